// The tables of `aoefs stat`, `discover` and `list`, printed as lsblk and
// findmnt print theirs (util-linux's libsmartcols): columns chosen with
// -o NAME,... (or -o +NAME to add to the default ones), --json, --raw,
// --noheadings, --list-columns; in a terminal, columns past its width are
// truncated or wrapped (each column's flags say which) as lsblk does.
//
// A command describes its columns once (ColumnSpec, its default ones first
// chosen by `in_default`), fills a row with a cell for EVERY column it has
// (in the order of its specs), and the table keeps the chosen ones.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aoefs/cli/arguments.hpp"
#include "aoefs/util/expected.hpp"

struct libscols_table;

namespace aoefs {

enum class CellKind {
  text,    // left-aligned; JSON string
  number,  // right-aligned; JSON number (the cell must be a number, or "-" for null)
  flag,    // JSON boolean (the cell must be "true" or "false")
  size,    // right-aligned; "64.0 MiB" (JSON string), or bytes with --bytes (JSON number)
};

struct ColumnSpec {
  std::string_view name;  // as -o takes it (case does not matter), and the header
  std::string_view help;  // one line for --list-columns
  CellKind kind = CellKind::text;
  bool in_default = false;
  // >= 1: a fixed width, cells padded to it in the text table (--watch's
  // columns; a cell must fit it); < 1: libsmartcols' hint, the fraction of
  // the terminal the column may be reduced to.
  double width = 0;
  bool truncate = false;  // cut past the terminal's width
  bool wrap = false;      // wrap onto further lines instead (long lists)
};

// What the table options asked for.
struct TableFormat {
  bool json = false;
  bool raw = false;
  bool noheadings = false;
  bool bytes = false;  // sizes in bytes instead of KiB/MiB/GiB (--bytes)
  bool list_columns = false;
  std::optional<std::string> columns;  // -o's value
  // Tests: act as a terminal this wide (0: ask the real one, if any).
  std::size_t terminal_width = 0;
};

// --json, --raw, --noheadings, -b/--bytes, -o/--output COLUMNS, --list-columns.
std::vector<CliOption> table_options(TableFormat& format);

// The chosen columns (indexes into `specs`) for -o's list, or what is
// wrong (an unknown column named, with the way to list them).
Expected<std::vector<std::size_t>> choose_columns(std::span<const ColumnSpec> specs,
                                                  const std::optional<std::string>& list);

// --list-columns: "NAME  help" lines, the default ones marked.
std::string columns_help(std::span<const ColumnSpec> specs);

// After parse_cli: --list-columns or -o help prints columns_help (returns 0), a bad
// -o list is a usage error (returns kExitUsage); nullopt: go on.
std::optional<int> settle_columns(const CliCommand& command, std::span<const ColumnSpec> specs,
                                  const TableFormat& format);

class Table {
 public:
  // `name`: the JSON array's key ("targets"). REQUIRES every index of
  // `chosen` < specs.size().
  Table(std::string name, std::span<const ColumnSpec> specs, std::vector<std::size_t> chosen,
        const TableFormat& format);
  ~Table();
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;

  // REQUIRES cells.size() == specs.size(): one cell per spec, in their order.
  void add_row(const std::vector<std::string>& cells);
  std::size_t rows() const { return rows_; }

  std::string render() const;
  void print() const;  // render() on stdout

 private:
  ::libscols_table* table_;
  std::vector<std::size_t> chosen_;
  std::vector<CellKind> kinds_;      // of the chosen columns
  std::vector<std::size_t> widths_;  // of the chosen columns; 0: not fixed
  bool json_ = false;
  bool raw_ = false;
  std::size_t rows_ = 0;
};

}  // namespace aoefs

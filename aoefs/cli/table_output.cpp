#include "aoefs/cli/table_output.hpp"

#include <libsmartcols/libsmartcols.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>

#include "aoefs/util/wire_text.hpp"

namespace aoefs {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::size_t> find_column(std::span<const ColumnSpec> specs, std::string_view name) {
  for (std::size_t i = 0; i < specs.size(); ++i)
    if (lower(specs[i].name) == lower(name)) return i;
  return std::nullopt;
}

CliOption flag(char short_name, std::string_view name, std::string_view help, bool& to) {
  return {short_name, name, "", false, help, [&to](std::optional<std::string_view>) {
            to = true;
            return std::string();
          }};
}

int json_type(CellKind kind) {
  switch (kind) {
    case CellKind::number:
      return SCOLS_JSON_NUMBER;
    case CellKind::flag:
      return SCOLS_JSON_BOOLEAN;
    case CellKind::text:
    case CellKind::size:
      break;
  }
  return SCOLS_JSON_STRING;
}

}  // namespace

std::vector<CliOption> table_options(TableFormat& format) {
  std::vector<CliOption> options;
  options.push_back({'o', "output", "COLUMNS", false,
                     "the columns to print, comma-separated (+COL,...: the\n"
                     "default ones and these); -o help or --list-columns\n"
                     "lists them",
                     [&format](std::optional<std::string_view> value) {
                       format.columns = std::string(*value);
                       return std::string();
                     }});
  options.push_back(flag('J', "json", "print JSON (numbers as numbers)", format.json));
  options.push_back(flag('r', "raw",
                         "one line per row, cells separated by one space,\n"
                         "spaces and unusual characters in them as \\x20",
                         format.raw));
  options.push_back(flag('n', "noheadings", "no header line", format.noheadings));
  options.push_back(flag('b', "bytes", "sizes in bytes, not KiB/MiB/GiB", format.bytes));
  options.push_back(
      flag(0, "list-columns", "list the columns -o takes and exit", format.list_columns));
  return options;
}

Expected<std::vector<std::size_t>> choose_columns(std::span<const ColumnSpec> specs,
                                                  const std::optional<std::string>& list) {
  std::vector<std::size_t> chosen;
  const std::string list_text = list.value_or("+");
  std::string_view rest = list_text;
  if (rest.starts_with('+')) {
    for (std::size_t i = 0; i < specs.size(); ++i)
      if (specs[i].in_default) chosen.push_back(i);
    rest.remove_prefix(1);
  }
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view name = rest.substr(0, comma);
    rest.remove_prefix(comma == std::string_view::npos ? rest.size() : comma + 1);
    if (name.empty()) continue;
    auto index = find_column(specs, name);
    if (!index)
      return Error{"unknown column '" + printable(name) + "' (--list-columns lists them)"};
    chosen.push_back(*index);
  }
  if (chosen.empty()) return Error{"-o names no column (--list-columns lists them)"};
  return chosen;
}

std::string columns_help(std::span<const ColumnSpec> specs) {
  std::size_t width = 0;
  for (const auto& s : specs) width = std::max(width, s.name.size());
  std::string out = "columns (* = printed by default):\n";
  for (const auto& s : specs) {
    out += s.in_default ? "* " : "  ";
    out += s.name;
    out.append(width + 2 - s.name.size(), ' ');
    out += s.help;
    out += '\n';
  }
  return out;
}

std::optional<int> settle_columns(const CliCommand& command, std::span<const ColumnSpec> specs,
                                  const TableFormat& format) {
  if (format.list_columns || format.columns == "help") {
    const std::string help = columns_help(specs);
    std::fwrite(help.data(), 1, help.size(), stdout);
    return 0;
  }
  if (auto chosen = choose_columns(specs, format.columns); !chosen)
    return cli_usage_error(command, chosen.error().message);
  return std::nullopt;
}

Table::Table(std::string name, std::span<const ColumnSpec> specs, std::vector<std::size_t> chosen,
             const TableFormat& format)
    : table_(scols_new_table()), chosen_(std::move(chosen)) {
  if (!table_) std::abort();  // out of memory
  scols_table_set_name(table_, name.c_str());
  scols_table_enable_json(table_, format.json);
  scols_table_enable_raw(table_, format.raw);
  scols_table_enable_noheadings(table_, format.noheadings);
  if (format.terminal_width) {
    scols_table_set_termforce(table_, SCOLS_TERMFORCE_ALWAYS);
    scols_table_set_termwidth(table_, format.terminal_width);
  }
  for (const std::size_t i : chosen_) {
    const ColumnSpec& spec = specs[i];
    CellKind kind = spec.kind;
    if (kind == CellKind::size) kind = format.bytes ? CellKind::number : CellKind::text;
    kinds_.push_back(kind);
    widths_.push_back(spec.width >= 1 ? static_cast<std::size_t>(spec.width) : 0);
    int flags = 0;
    if (spec.kind == CellKind::number || spec.kind == CellKind::size) flags |= SCOLS_FL_RIGHT;
    if (spec.truncate) flags |= SCOLS_FL_TRUNC;
    if (spec.wrap) flags |= SCOLS_FL_WRAP;
    // lsblk's JSON keys are its column names in lower case.
    const std::string header = format.json ? lower(spec.name) : std::string(spec.name);
    libscols_column* column = scols_table_new_column(table_, header.c_str(), spec.width, flags);
    if (!column) std::abort();
    scols_column_set_json_type(column, json_type(kind));
    // Cells hold text made printable already (util/wire_text.hpp: "\x1b",
    // "\\"); libsmartcols would escape its backslashes once more. Anything
    // unprintable still in a cell it escapes itself. --raw escapes them all,
    // so that a backslash there always starts an escape.
    if (!format.raw && !format.json) scols_column_set_safechars(column, "\\");
  }
  json_ = format.json;
  raw_ = format.raw;
}

Table::~Table() { scols_unref_table(table_); }

void Table::add_row(const std::vector<std::string>& cells) {
  libscols_line* line = scols_table_new_line(table_, nullptr);
  if (!line) std::abort();
  for (std::size_t n = 0; n < chosen_.size(); ++n) {
    const std::string& cell = cells.at(chosen_[n]);
    // An empty JSON number or boolean is null (libsmartcols); "-" is how
    // the text table says "none".
    const bool none = json_ && kinds_[n] != CellKind::text && cell == "-";
    if (none) {
      scols_line_set_data(line, n, "");
    } else if (widths_[n] > cell.size() && !json_ && !raw_) {
      // A fixed width (--watch): padded here, so that no cell, header or
      // empty column changes it (libsmartcols' hints are only hints).
      const std::string pad(widths_[n] - cell.size(), ' ');
      const bool right = kinds_[n] != CellKind::text;
      scols_line_set_data(line, n, (right ? pad + cell : cell + pad).c_str());
    } else {
      scols_line_set_data(line, n, cell.c_str());
    }
  }
  ++rows_;
}

std::string Table::render() const {
  char* data = nullptr;
  if (scols_print_table_to_string(table_, &data) != 0 || !data) return "";
  std::string out(data);
  std::free(data);
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out;
}

void Table::print() const {
  const std::string out = render();
  std::fwrite(out.data(), 1, out.size(), stdout);
}

}  // namespace aoefs

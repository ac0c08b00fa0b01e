// Writing Prometheus text exposition format (version 0.0.4): a family's
// HELP and TYPE lines, then its samples. The families and what they sample
// are the table of metric_families.hpp; this is only the syntax.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "protocol/latency_histogram.hpp"
#include "protocol/request_stages.hpp"

namespace aoefs {

// A label value escaped as the format requires: \\, \" and \n.
std::string escape_label(std::string_view value);

// A label value that came off the wire (model, serial, firmware, config
// string): made printable ASCII first (aoefs/util/wire_text.hpp), so that
// `cat .stats` hands no forged escape sequence to a terminal, then escaped.
std::string wire_label(std::string_view value);

// Seconds with 6 decimals: "0.000250".
std::string seconds_text(std::chrono::microseconds us);

// Appends one family to `out`: the constructor writes its HELP and TYPE
// lines, each sample() one line. `labels` is the text between the braces
// (`target="e1.0",op="read"`), empty for none.
class FamilyWriter {
 public:
  FamilyWriter(std::string& out, std::string_view name, std::string_view type,
               std::string_view help);

  void sample(std::string_view labels, std::string_view value);
  void sample(std::string_view labels, std::uint64_t value);
  // A histogram's _bucket lines (one per bound, then +Inf), _sum and _count.
  void histogram(std::string_view labels, const aoe::LatencyHistogram& h);
  void histogram(std::string_view labels, const aoe::StageHistogram::Snapshot& h);

 private:
  void line(std::string_view suffix, std::string_view labels, std::string_view value);

  std::string& out_;
  std::string_view name_;
};

}  // namespace aoefs

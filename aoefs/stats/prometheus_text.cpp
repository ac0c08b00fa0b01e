#include "aoefs/stats/prometheus_text.hpp"

#include <cstdio>

#include "aoefs/util/wire_text.hpp"

namespace aoefs {

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string wire_label(std::string_view value) { return escape_label(printable(value)); }

std::string seconds_text(std::chrono::microseconds us) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6f", static_cast<double>(us.count()) / 1e6);
  return buf;
}

FamilyWriter::FamilyWriter(std::string& out, std::string_view name, std::string_view type,
                           std::string_view help)
    : out_(out), name_(name) {
  out_.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out_.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

void FamilyWriter::line(std::string_view suffix, std::string_view labels, std::string_view value) {
  out_.append(name_).append(suffix);
  if (!labels.empty()) out_.append("{").append(labels).append("}");
  out_.append(" ").append(value).append("\n");
}

void FamilyWriter::sample(std::string_view labels, std::string_view value) {
  line("", labels, value);
}

void FamilyWriter::sample(std::string_view labels, std::uint64_t value) {
  sample(labels, std::to_string(value));
}

void FamilyWriter::histogram(std::string_view labels, const aoe::LatencyHistogram& h) {
  const std::string prefix = std::string(labels) + ",le=\"";
  for (std::size_t i = 0; i < aoe::LatencyHistogram::kBuckets; ++i)
    line("_bucket",
         prefix + seconds_text(std::chrono::microseconds(aoe::LatencyHistogram::kBoundsMicros[i])) +
             "\"",
         std::to_string(h.cumulative(i)));
  line("_bucket", prefix + "+Inf\"", std::to_string(h.count()));
  line("_sum", labels, seconds_text(std::chrono::microseconds(h.sum_micros())));
  line("_count", labels, std::to_string(h.count()));
}

void FamilyWriter::histogram(std::string_view labels, const aoe::StageHistogram::Snapshot& h) {
  // Nanoseconds as seconds, 9 decimals: the stages are microseconds.
  const auto seconds = [](std::uint64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9f", static_cast<double>(ns) / 1e9);
    return std::string(buf);
  };
  const std::string prefix = std::string(labels) + ",le=\"";
  for (std::size_t i = 0; i < aoe::StageHistogram::kBuckets; ++i)
    line("_bucket", prefix + seconds(aoe::StageHistogram::kBoundsNanos[i]) + "\"",
         std::to_string(h.cumulative(i)));
  line("_bucket", prefix + "+Inf\"", std::to_string(h.count));
  line("_sum", labels, seconds(h.sum_nanos));
  line("_count", labels, std::to_string(h.count));
}

}  // namespace aoefs

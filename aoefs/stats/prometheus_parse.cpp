#include "aoefs/stats/prometheus_parse.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace aoefs {
namespace {

// ASCII only, as the format says (and no locale lookup per character).
bool name_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  return first ? alpha : alpha || (c >= '0' && c <= '9');
}

// Parses `{a="x",b="y"}` at `pos` (which points at '{'); advances `pos`.
Expected<void> parse_labels(std::string_view line, std::size_t& pos,
                            std::map<std::string, std::string>& labels) {
  ++pos;  // '{'
  while (pos < line.size() && line[pos] != '}') {
    const std::size_t start = pos;
    while (pos < line.size() && name_char(line[pos], pos == start)) ++pos;
    if (pos == start) return Error{"expected a label name"};
    std::string key(line.substr(start, pos - start));
    if (pos + 1 >= line.size() || line[pos] != '=' || line[pos + 1] != '"')
      return Error{"expected =\" after label " + key};
    pos += 2;
    std::string value;
    while (true) {
      if (pos >= line.size()) return Error{"unterminated value of label " + key};
      const char c = line[pos++];
      if (c == '"') break;
      if (c != '\\') {
        value += c;
        continue;
      }
      if (pos >= line.size()) return Error{"unterminated escape in label " + key};
      const char e = line[pos++];
      value += e == 'n' ? '\n' : e;  // \\ and \" stand for themselves
    }
    labels[key] = std::move(value);
    if (pos < line.size() && line[pos] == ',') ++pos;
  }
  if (pos >= line.size()) return Error{"expected } to close the labels"};
  ++pos;  // '}'
  return {};
}

}  // namespace

Expected<std::vector<MetricSample>> parse_prometheus_text(std::string_view text) {
  std::vector<MetricSample> samples;
  samples.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')));
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.empty() || line[0] == '#') continue;
    auto bad = [&](const std::string& why) {
      return Error{"line " + std::to_string(line_no) + ": " + why};
    };
    MetricSample s;
    std::size_t pos = 0;
    while (pos < line.size() && name_char(line[pos], pos == 0)) ++pos;
    if (pos == 0) return bad("expected a metric name");
    s.name = std::string(line.substr(0, pos));
    if (pos < line.size() && line[pos] == '{')
      if (auto labels = parse_labels(line, pos, s.labels); !labels)
        return bad(labels.error().message);
    if (pos >= line.size() || line[pos] != ' ') return bad("expected a space before the value");
    const std::string number(line.substr(pos + 1));
    char* end = nullptr;
    s.value = std::strtod(number.c_str(), &end);
    // A timestamp may follow the value.
    if (end == number.c_str() || (*end != '\0' && *end != ' ')) return bad("expected a number");
    samples.push_back(std::move(s));
  }
  return samples;
}

std::optional<double> find_sample(const std::vector<MetricSample>& samples, std::string_view name,
                                  const std::map<std::string, std::string>& match) {
  for (const auto& s : samples) {
    if (s.name != name) continue;
    bool all = true;
    for (const auto& [k, v] : match) {
      auto it = s.labels.find(k);
      if (it == s.labels.end() || it->second != v) {
        all = false;
        break;
      }
    }
    if (all) return s.value;
  }
  return std::nullopt;
}

}  // namespace aoefs

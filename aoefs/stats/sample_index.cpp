#include "aoefs/stats/sample_index.hpp"

namespace aoefs {
namespace {

std::string target_key(std::string_view name, std::string_view target) {
  std::string key(name);
  key += '\n';
  key += target;
  return key;
}

bool matches(const MetricSample& s, const std::map<std::string, std::string>& match) {
  for (const auto& [k, v] : match) {
    auto it = s.labels.find(k);
    if (it == s.labels.end() || it->second != v) return false;
  }
  return true;
}

}  // namespace

SampleIndex::SampleIndex(const std::vector<MetricSample>& samples) {
  by_target_.reserve(samples.size() / 4);
  for (const auto& s : samples) {
    by_name_[s.name].push_back(&s);
    auto t = s.labels.find("target");
    if (t == s.labels.end()) continue;
    by_target_[target_key(s.name, t->second)].push_back(&s);
    if (s.name == "aoefs_target_up") targets_.push_back(t->second);
  }
}

const MetricSample* SampleIndex::find(std::string_view name,
                                      const std::map<std::string, std::string>& match) const {
  auto t = match.find("target");
  const auto group = t == match.end() ? family(name) : of_target(name, t->second);
  for (const MetricSample* s : group)
    if (matches(*s, match)) return s;
  return nullptr;
}

std::optional<double> SampleIndex::value(std::string_view name,
                                         const std::map<std::string, std::string>& match) const {
  if (const MetricSample* s = find(name, match)) return s->value;
  return std::nullopt;
}

std::string SampleIndex::label(std::string_view name, const std::string& target,
                               const std::string& key) const {
  for (const MetricSample* s : of_target(name, target))
    if (auto it = s->labels.find(key); it != s->labels.end()) return it->second;
  return "";
}

std::span<const MetricSample* const> SampleIndex::family(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return {};
  return it->second;
}

std::span<const MetricSample* const> SampleIndex::of_target(std::string_view name,
                                                            const std::string& target) const {
  auto it = by_target_.find(target_key(name, target));
  if (it == by_target_.end()) return {};
  return it->second;
}

}  // namespace aoefs

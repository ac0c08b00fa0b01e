// The documentation cannot drift from the code: every configuration key of
// aoefs/settings/setting_keys.cpp is described in the man page (contrib/aoefs.8, as a
// .TP tag), in `aoefs --help` and in the example configuration
// (contrib/aoefs.toml, as a commented-out "# key = value" line); and that
// example, uncommented, is a valid configuration. Every metric family of
// aoefs/stats/metric_families.cpp is named in the man page, and the man page
// and README name no family that does not exist.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "aoefs/cli/usage.hpp"
#include "aoefs/settings/config_file.hpp"
#include "aoefs/settings/setting_keys.hpp"
#include "aoefs/stats/metric_families.hpp"

using namespace aoefs;

namespace {
std::vector<std::string> lines_of(const std::string& relative) {
  std::ifstream in(std::string(AOEFS_SOURCE_DIR) + "/" + relative);
  REQUIRE(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}
}  // namespace

TEST_CASE("docs: the man page has a .TP entry for every key", "[docs]") {
  const auto man = lines_of("contrib/aoefs.8");
  for (const KeyInfo& key : all_keys()) {
    const std::string name(key.name);
    INFO("key " << name);
    bool found = false;
    for (std::size_t i = 0; i + 1 < man.size() && !found; ++i) {
      if (man[i] != ".TP") continue;
      const std::string& tag = man[i + 1];
      for (const char* macro : {".B ", ".BI ", ".BR "})
        if (tag.rfind(macro + name, 0) == 0) {
          const char after = tag.size() > std::string(macro).size() + name.size()
                                 ? tag[std::string(macro).size() + name.size()]
                                 : '\0';
          found = after == '\0' || after == '=' || after == ' ';
        }
    }
    CHECK(found);
  }
}

TEST_CASE("docs: --help names every key", "[docs]") {
  for (const KeyInfo& key : all_keys()) {
    INFO("key " << key.name);
    CHECK(usage_text().find(key.name) != std::string_view::npos);
  }
}

TEST_CASE("docs: the example configuration shows every key, and is valid", "[docs]") {
  const auto example = lines_of("contrib/aoefs.toml");
  std::string uncommented;
  for (const auto& line : example)
    if (line.rfind("# ", 0) == 0 && find_key(line.substr(2, line.find(" = ") - 2)) &&
        line.find(" = ") != std::string::npos)
      uncommented += line.substr(2) + "\n";
  for (const KeyInfo& key : all_keys()) {
    INFO("key " << key.name);
    CHECK(uncommented.find(std::string(key.name) + " = ") != std::string::npos);
  }
  Settings settings;
  const auto applied = apply_config_text(settings, uncommented, "contrib/aoefs.toml");
  INFO((applied ? "" : applied.error().message));
  CHECK(applied);
  CHECK(settings.interfaces == std::vector<std::string>{"eth1", "eth2"});
}

namespace {
std::string text_of(const std::string& relative) {
  std::string text;
  for (const auto& line : lines_of(relative)) text += line + "\n";
  return text;
}

bool is_family_name(const std::string& token) {
  for (const MetricFamily& f : metric_families()) {
    const std::string name(f.name);
    if (token == name) return true;
    if (f.type == MetricType::histogram)
      for (const char* suffix : {"_bucket", "_sum", "_count"})
        if (token == name + suffix) return true;
    // A prefix standing for several ("aoefs_cache_*").
    if (token.ends_with('_') && name.starts_with(token)) return true;
  }
  return false;
}
}  // namespace

TEST_CASE("docs: the man page names every metric family", "[docs]") {
  const std::string man = text_of("contrib/aoefs.8");
  for (const MetricFamily& f : metric_families()) {
    INFO("family " << f.name);
    CHECK(std::regex_search(man, std::regex("\\b" + std::string(f.name) + "\\b")));
  }
}

TEST_CASE("docs: the man page and README name only metric families that exist", "[docs]") {
  const std::regex metric("aoefs_(target|path|link|fuse|cache)_[a-z_]*");
  for (const char* doc : {"contrib/aoefs.8", "README.md"}) {
    const std::string text = text_of(doc);
    for (std::sregex_iterator it(text.begin(), text.end(), metric), end; it != end; ++it) {
      INFO(doc << ": " << it->str());
      CHECK(is_family_name(it->str()));
    }
  }
}

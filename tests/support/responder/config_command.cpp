#include "support/responder/config_command.hpp"

namespace aoetest {
namespace {

bool prefix_matches(std::string_view asked, std::string_view config, PrefixTest test) {
  return test == PrefixTest::request_is_prefix ? config.starts_with(asked)
                                               : asked.starts_with(config);
}

}  // namespace

ConfigOutcome apply_config_command(aoe::ConfigCommand command, std::string_view asked,
                                   std::string& config, PrefixTest prefix_test) {
  switch (command) {
    case aoe::ConfigCommand::read:
      return ConfigOutcome::answer;
    case aoe::ConfigCommand::test_exact:
      return asked == config ? ConfigOutcome::answer : ConfigOutcome::silent;
    case aoe::ConfigCommand::test_prefix:
      return prefix_matches(asked, config, prefix_test) ? ConfigOutcome::answer
                                                        : ConfigOutcome::silent;
    case aoe::ConfigCommand::set_if_empty:
      if (!config.empty() && config != asked) return ConfigOutcome::string_present;
      config.assign(asked);
      return ConfigOutcome::answer;
    case aoe::ConfigCommand::force_set:
      config.assign(asked);
      return ConfigOutcome::answer;
  }
  return ConfigOutcome::bad_command;
}

}  // namespace aoetest

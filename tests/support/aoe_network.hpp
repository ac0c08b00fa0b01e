// aoetest::AoeNetwork: a private AoE network with real vblade targets for
// Catch2 integration tests, built by the fixture script tests/fixture/aoenet
// (see its header for the shape: NAME-ini with port aoe0, NAME-tgt with the
// vblade targets, state in /tmp/aoenet-NAME).
//
// RAII: the constructor runs `aoenet up`, the destructor `aoenet down`, also
// when the test fails (a REQUIRE throws through it). Scripts always run in
// the network namespace the process started in, even after the calling
// thread entered an initiator namespace.
//
// A missing prerequisite (not root, no vblade, no clang, aoenet failing)
// makes the constructor throw std::runtime_error with the script's output:
// the test fails, it is never skipped.
#pragma once

#include <string>
#include <utility>

namespace aoetest {

struct AoeNetworkOptions {
  std::string name;  // short, unique per test: "in3"
  unsigned mtu = 1500;
  std::string targets = "1.0:64M 1.1:16M";  // "SHELF.SLOT:SIZE ..."
  unsigned initiators = 1;                  // > 1: NAME-ini, NAME-ini2 ... on a bridge
  std::string relay;                        // aoe-relay options, "" = direct wire
  std::string vblade_flags;                 // for every target, e.g. "-b 64"
  bool pad = true;                          // pad short frames to 60 bytes like a NIC
};

// The common case in one line: name, MTU, targets; the rest default.
inline AoeNetworkOptions network_options(std::string name, unsigned mtu, std::string targets) {
  AoeNetworkOptions o;
  o.name = std::move(name);
  o.mtu = mtu;
  o.targets = std::move(targets);
  return o;
}
#define AOETEST_NET_OPTIONS(NAME, MTU, TARGETS) ::aoetest::network_options((NAME), (MTU), (TARGETS))

class AoeNetwork {
 public:
  explicit AoeNetwork(AoeNetworkOptions options);
  ~AoeNetwork();
  AoeNetwork(const AoeNetwork&) = delete;
  AoeNetwork& operator=(const AoeNetwork&) = delete;

  const AoeNetworkOptions& options() const { return options_; }
  // Facts from `aoenet env NAME`.
  const std::string& ini_ns() const { return ini_ns_; }    // "NAME-ini"
  const std::string& ini_if() const { return ini_if_; }    // "aoe0"
  const std::string& tgt_ns() const { return tgt_ns_; }    // "NAME-tgt"
  const std::string& dir() const { return dir_; }          // "/tmp/aoenet-NAME"
  const std::string& ini_mac() const { return ini_mac_; }  // "aa:bb:..."
  const std::string& tgt_mac() const { return tgt_mac_; }
  // Initiator namespace number n (1 = ini_ns(), 2 = "NAME-ini2", ...).
  std::string ini_ns(unsigned n) const;
  // Path of the backing file of target "S.L" (vblade reads/writes it).
  std::string backing_file(const std::string& address) const;

  // (Re)start one target with a backing file of SIZE ("64M"; an existing
  // file keeps its data) and extra vblade flags; stop (SIGTERM) / kill
  // (SIGKILL) it. Throw std::runtime_error if the script fails.
  void start_target(const std::string& address, const std::string& size,
                    const std::string& vblade_flags = "");
  void stop_target(const std::string& address);
  void kill_target(const std::string& address);

  // setns(CLONE_NEWNET) of the calling thread into initiator namespace n, so
  // sockets opened afterwards live there. Throws on failure.
  void enter_initiator_namespace(unsigned n = 1) const;

  // Path of the aoenet script (from AOEFS_FIXTURE_DIR).
  static std::string script();

 private:
  // Runs `aoenet ARGS` in the original network namespace; returns its
  // combined output; throws with that output if it exits non-zero.
  std::string run(const std::string& args) const;

  AoeNetworkOptions options_;
  std::string ini_ns_, ini_if_, tgt_ns_, dir_, ini_mac_, tgt_mac_;
  bool up_ = false;
};

}  // namespace aoetest

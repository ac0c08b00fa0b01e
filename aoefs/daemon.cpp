#include "aoefs/daemon.hpp"

#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <climits>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "aoefs/aoe_block_device.hpp"
#include "aoefs/background.hpp"
#include "aoefs/fuse_mount.hpp"
#include "aoefs/link_opening.hpp"
#include "aoefs/options.hpp"
#include "aoefs/read_ahead.hpp"
#include "protocol/initiator.hpp"
#include "protocol/interfaces.hpp"

namespace aoefs {
namespace {

constexpr int kExitUsage = 2;
constexpr int kExitFailure = 1;

void say(const char* fmt, auto... args) {
  std::fputs("aoefs: ", stderr);
  std::fprintf(stderr, fmt, args...);
  std::fputc('\n', stderr);
}

std::string size_text(std::uint64_t bytes) {
  char buf[32];
  if (bytes >= (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f GiB", bytes / double(1ull << 30));
  else std::snprintf(buf, sizeof buf, "%.1f MiB", bytes / double(1ull << 20));
  return buf;
}

// Turns the initiator's target events into files of the table.
void on_target_event(TargetTable& table, aoe::Initiator& initiator, const aoe::TargetInfo& info,
                     bool verbose) {
  const bool usable = info.up && info.capacity_sectors > 0;
  std::shared_ptr<blockdev::BlockDevice> device;
  if (usable && !table.has_device_of_size(info.address, info.capacity_sectors))
    device = std::make_shared<AoeBlockDevice>(initiator, info.address, info.capacity_sectors);
  const auto before = table.by_inode(inode_of(info.address));
  table.update(info.address, usable, std::move(device));
  const bool was_present = before && before->present;
  if (verbose && was_present != usable)
    say("%s %s%s", file_name_of(info.address).c_str(), usable ? "up, " : "down",
        usable ? size_text(info.capacity_sectors * 512).c_str() : "");
}

// Asks every present target to write its cache to stable storage; waits at
// most `limit`. Returns how many flushes failed or did not finish.
int flush_all(TargetTable& table, std::chrono::milliseconds limit) {
  struct State {
    std::mutex m;
    std::condition_variable cv;
    int pending = 0;
    int failed = 0;
  };
  auto state = std::make_shared<State>();
  const auto files = table.present_files();
  state->pending = static_cast<int>(files.size());
  for (const auto& f : files) {
    f.device->flush([state, name = f.name](std::error_code ec) {
      std::lock_guard g(state->m);
      if (ec) {
        ++state->failed;
        say("flush of %s failed: %s", name.c_str(), ec.message().c_str());
      }
      --state->pending;
      state->cv.notify_all();
    });
  }
  std::unique_lock g(state->m);
  state->cv.wait_for(g, limit, [&] { return state->pending == 0; });
  return state->failed + state->pending;
}

int serve(const CommandLine& line, const Settings& settings,
          const std::vector<std::string>& fuse_options, Background& background) {
  boost::asio::io_context io;
  std::vector<std::string> interfaces = settings.interfaces;
  if (interfaces.empty()) {
    interfaces = aoe::default_aoe_interfaces();
    if (interfaces.empty()) {
      say("no up, non-loopback Ethernet interface found (set interfaces=IF1:IF2)");
      return kExitFailure;
    }
  }
  auto opened = open_links(io, interfaces);
  if (auto* err = std::get_if<std::string>(&opened)) {
    say("%s", err->c_str());
    return kExitFailure;
  }
  auto links = std::move(std::get<0>(opened));

  aoe::InitiatorOptions init_options;
  init_options.discovery_interval = settings.discovery_interval;
  init_options.dead_timeout = settings.dead_timeout;
  auto initiator = std::make_unique<aoe::Initiator>(io, std::move(links), init_options);
  TargetTable table;
  const bool verbose = settings.foreground || settings.debug;
  initiator->set_target_listener([&table, &initiator = *initiator, verbose](const aoe::TargetInfo& info) {
    on_target_event(table, initiator, info, verbose);
  });

  auto work = boost::asio::make_work_guard(io);
  std::thread io_thread([&io] { io.run(); });
  initiator->start();

  // Mount with the targets that answer right away already listed, so the
  // files are there when `aoefs` returns; later ones appear as found.
  {
    std::promise<void> discovered;
    initiator->wait_discovery(std::chrono::milliseconds(500),
                              [&discovered](std::error_code) { discovered.set_value(); });
    discovered.get_future().wait_for(std::chrono::seconds(5));
  }

  FsContext context;
  context.table = &table;
  context.initiator = initiator.get();
  context.options.uid = settings.uid.value_or(::getuid());
  context.options.gid = settings.gid.value_or(::getgid());
  context.options.file_mode = 0666 & ~settings.umask;
  context.options.read_only = settings.read_only;
  context.options.read_ahead_kb = settings.read_ahead_kb;
  context.options.debug = settings.debug;
  context.options.direct_io = settings.direct_io;
  context.options.mount_time = std::time(nullptr);

  int rc = 0;
  {
    auto mounted = FuseMount::mount(context, line.mountpoint, fuse_options, settings.allow_other);
    if (auto* err = std::get_if<std::string>(&mounted)) {
      say("%s", err->c_str());
      rc = kExitFailure;
    } else {
      auto& mount = std::get<0>(mounted);
      std::thread read_ahead_setter(
          [mp = line.mountpoint, kb = settings.read_ahead_kb] { set_read_ahead_after_init(mp, kb); });
      read_ahead_setter.detach();
      if (verbose)
        say("mounted on %s (%zu target%s)", line.mountpoint.c_str(), table.present_files().size(),
            table.present_files().size() == 1 ? "" : "s");
      background.report_ready();
      const int signal = mount->run();
      if (verbose && signal) say("signal %d: flushing and unmounting", signal);
      if (flush_all(table, std::min<std::chrono::milliseconds>(settings.dead_timeout,
                                                               std::chrono::seconds(30))) != 0)
        rc = kExitFailure;
      // Every request still waiting on the network is answered (cancelled)
      // before the session goes away.
      initiator->shutdown();
      work.reset();
      io_thread.join();
      mount.reset();  // unmounts if still mounted
      initiator.reset();
      return rc;
    }
  }
  initiator->shutdown();
  work.reset();
  io_thread.join();
  return rc;
}

}  // namespace

int run_daemon(int argc, char** argv) {
  auto parsed = parse_command_line(argc, argv);
  if (auto* err = std::get_if<UsageError>(&parsed)) {
    say("%s", err->message.c_str());
    return kExitUsage;
  }
  auto line = std::get<CommandLine>(parsed);
  std::vector<std::string> fuse_options;
  auto loaded = load_settings(line, fuse_options);
  if (auto* err = std::get_if<UsageError>(&loaded)) {
    say("%s", err->message.c_str());
    return kExitUsage;
  }
  const Settings settings = std::get<Settings>(loaded);

  if (auto err = check_mountpoint(line.mountpoint); !err.empty()) {
    say("%s", err.c_str());
    return kExitFailure;
  }
  // The background child runs in "/", so keep the absolute path.
  char real[PATH_MAX];
  if (::realpath(line.mountpoint.c_str(), real)) line.mountpoint = real;

  Background background;
  if (!settings.foreground && !settings.debug) background = Background::detach();
  return serve(line, settings, fuse_options, background);
}

}  // namespace aoefs

#include "aoefs/daemon/daemon.hpp"

#include <unistd.h>

#include "protocol/io/asio.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>

#include "aoefs/cli/usage.hpp"
#include "aoefs/daemon/aoe_block_device.hpp"
#include "aoefs/daemon/background.hpp"
#include "aoefs/daemon/initiator_runtime.hpp"
#include "aoefs/daemon/memory_policy.hpp"
#include "aoefs/daemon/outage_watch.hpp"
#include "aoefs/daemon/segment_watch.hpp"
#include "aoefs/daemon/service_status.hpp"
#include "aoefs/daemon/target_events.hpp"
#include "aoefs/fs/fuse_mount.hpp"
#include "aoefs/fs/kernel_read_ahead.hpp"
#include "aoefs/fs/mount_point.hpp"
#include "aoefs/fs/stale_mount.hpp"
#include "aoefs/fs/stats_file.hpp"
#include "aoefs/link/initiator_bootstrap.hpp"
#include "aoefs/locks/lock_service.hpp"
#include "aoefs/metrics/metrics_server.hpp"
#include "aoefs/settings/options.hpp"
#include "aoefs/settings/setting_text.hpp"
#include "aoefs/util/exit_status.hpp"
#include "aoefs/util/human_size.hpp"
#include "aoefs/util/log.hpp"
#include "aoefs/util/target_name.hpp"
#include "aoefs/util/wire_text.hpp"
#include "cache/block_cache.hpp"
#include "protocol/io/initiator.hpp"

namespace aoefs {
namespace {

cache::CacheConfig cache_config(const Settings& settings) {
  cache::CacheConfig c;
  c.capacity_bytes = settings.cache_size;
  c.block_size = settings.cache_block_size;
  c.max_read_ahead_bytes = settings.cache_read_ahead;
  c.expiry = settings.cache_expiry;
  return c;
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
        log_message(LogLevel::error, "flush of %s failed: %s", name.c_str(), ec.message().c_str());
      }
      --state->pending;
      state->cv.notify_all();
    });
  }
  std::unique_lock g(state->m);
  state->cv.wait_for(g, limit, [&] { return state->pending == 0; });
  return state->failed + state->pending;
}

// The settings in effect (uid and gid as resolved) and where, for .stats.
MountReport mount_report(const Settings& settings, const FsOptions& options,
                         std::string mount_point, std::vector<std::string> interfaces) {
  Settings shown = settings;
  shown.uid = options.uid;
  shown.gid = options.gid;
  return {std::move(mount_point), std::move(interfaces), std::string(version_number()), 0,
          setting_texts(shown)};
}

// "SIGTERM", not "signal 15".
std::string signal_name(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(signal);
}

int serve(MountPoint mount_point, const Settings& settings,
          const std::vector<std::string>& fuse_options, Background& background) {
  apply_memory_policy();
  boost::asio::io_context io;
  auto choice = choose_interfaces(settings.interfaces, "set interfaces=IF1:IF2");
  if (!choice) {
    log_message(LogLevel::error, "%s", choice.error().message.c_str());
    return kExitFailure;
  }
  LinkReports reports;
  reports.refuse_down = false;  // a named interface may come up while mounted
  reports.note = [](const std::string& note) { log_message(LogLevel::debug, "%s", note.c_str()); };
  reports.warn = [](const std::string& warning) {
    log_message(LogLevel::warning, "%s", warning.c_str());
  };
  auto opened = open_chosen_links(io, *choice, reports, {settings.busy_poll});
  if (!opened) {
    log_message(LogLevel::error, "%s", opened.error().message.c_str());
    return kExitFailure;
  }

  std::vector<std::string> in_use;
  for (const auto& link : *opened) in_use.push_back(link->name());
  // The default set includes every up Ethernet interface (uplinks, bridges):
  // the admin sees which ones, and in what state.
  log_message(LogLevel::info, "using %s%s", link_states_text(in_use).c_str(),
              choice->named ? "" : " (every up Ethernet interface; set interfaces= to choose)");

  aoe::InitiatorOptions init_options;
  init_options.discovery_interval = settings.discovery_interval;
  init_options.dead_timeout = settings.dead_timeout;
  init_options.max_targets = settings.max_targets;
  init_options.max_paths = settings.max_paths;
  init_options.path_timeout = settings.path_timeout;
  init_options.identify_interval = settings.identify_interval;
  init_options.answer_on_caller = settings.answer_on_caller;
  auto initiator = std::make_unique<aoe::Initiator>(io, std::move(opened).value(), init_options);
  TargetTable table;
  cache::BlockCache block_cache(cache_config(settings));
  SegmentWatch watch(io, *initiator, settings.unmatched_log_interval);
  TargetEvents events{table, *initiator, block_cache, {}, {nullptr}, {}};
  ServiceStatus status;
  initiator->set_target_listener([&events, &watch, &status](const aoe::TargetInfo& info) {
    on_target_event(events, info);
    status.target_seen(info);
    watch.conflict_seen(info);
    watch.resize_seen(info);
    watch.unsupported_seen(info);
  });
  // Declared before the runtime, so that on every way out the io thread has
  // stopped before the lock service goes (lock_service.hpp).
  LockService lock_service(io, *initiator);
  OutageWatch outages(io, *initiator, table,
                      {in_use, settings.dead_timeout, settings.forget_after});
  InitiatorRuntime runtime(io, *initiator, watch, outages);

  // Mount with the targets that answer right away already listed, so the
  // files are there when `aoefs` returns; later ones appear as found.
  await_discovery_round(*initiator, std::chrono::milliseconds(500));

  FsContext context;
  context.table = &table;
  context.initiator = initiator.get();
  context.cache = &block_cache;
  context.max_read_ahead_bytes = settings.cache_read_ahead;
  context.locks = &lock_service.locks();
  context.options.uid = settings.uid.value_or(::getuid());
  context.options.gid = settings.gid.value_or(::getgid());
  context.options.file_mode = 0666 & ~settings.umask;
  context.options.read_only = settings.read_only;
  context.options.read_ahead_kb = settings.read_ahead_kb;
  context.options.debug = settings.debug;
  context.options.direct_io = settings.direct_io;
  context.options.io_uring = settings.io_uring;
  context.options.interruptible_io = settings.dead_timeout.count() == 0;
  context.options.mount_time = std::time(nullptr);
  context.mount_report = mount_report(settings, context.options, mount_point.real_path(), in_use);

  std::unique_ptr<MetricsServer> metrics;
  if (const auto& listen = settings.metrics_listen) {
    auto started = MetricsServer::start(listen->address, listen->port,
                                        [&context] { return collect_stats(context); });
    if (!started) {
      log_message(LogLevel::error, "%s", started.error().message.c_str());
      return kExitFailure;
    }
    metrics = std::move(*started);
    const bool v6 = listen->address.find(':') != std::string::npos;
    log_message(LogLevel::info, "statistics at http://%s%s%s:%u/metrics", v6 ? "[" : "",
                listen->address.c_str(), v6 ? "]" : "", unsigned{listen->port});
  }
  auto mounted =
      FuseMount::mount(context, std::move(mount_point), fuse_options, settings.allow_other);
  if (!mounted) {
    log_message(LogLevel::error, "%s", mounted.error().message.c_str());
    return kExitFailure;
  }
  auto& mount = *mounted;
  events.mount.store(mount.get());
  std::thread read_ahead_setter(
      [mp = mount->mountpoint(), kb = settings.read_ahead_kb] { set_kernel_read_ahead(mp, kb); });
  read_ahead_setter.detach();
  const std::size_t count = table.present_files().size();
  std::string via;
  for (const auto& name : in_use) via += (via.empty() ? "" : ", ") + printable(name);
  log_message(LogLevel::info, "mounted on %s (%zu target%s on %s, cache %s)",
              mount->mountpoint().c_str(), count, count == 1 ? "" : "s", via.c_str(),
              settings.cache_size ? human_size(settings.cache_size).c_str() : "off");
  background.report_ready();
  status.ready(mount->mountpoint());
  const int signal = mount->run();
  metrics.reset();  // no scrape may reach the initiator while it shuts down
  if (signal) {
    log_message(LogLevel::info, "%s: flushing and unmounting", signal_name(signal).c_str());
    status.stopping(signal_name(signal));
  } else {
    log_message(LogLevel::info, "unmounted %s", mount->mountpoint().c_str());
    status.stopping("unmounted");
  }
  int rc = 0;
  // dead_timeout=0 (for ever) must not make the unmount wait for ever.
  const auto limit =
      settings.dead_timeout.count() == 0
          ? std::chrono::milliseconds(std::chrono::seconds(30))
          : std::min<std::chrono::milliseconds>(settings.dead_timeout, std::chrono::seconds(30));
  if (flush_all(table, limit) != 0) rc = kExitFailure;
  if (!lock_service.release_all(limit)) {
    log_message(LogLevel::error,
                "some flock locks could not be released; their config strings may remain");
    rc = kExitFailure;
  }
  // Every request still waiting on the network is answered (cancelled)
  // before the session goes away.
  runtime.stop();
  events.mount.store(nullptr);
  mount.reset();  // unmounts if still mounted
  initiator.reset();
  return rc;
}

}  // namespace

int run_daemon(int argc, char** argv) {
  // Errors of the command line and the configuration are usage errors
  // (options.hpp): exit code 2, nothing mounted.
  auto parsed = parse_command_line(argc, argv);
  if (!parsed) {
    log_message(LogLevel::error, "%s", parsed.error().message.c_str());
    return kExitUsage;
  }
  CommandLine line = *parsed;
  std::vector<std::string> fuse_options;
  auto loaded = load_settings(line, fuse_options);
  if (!loaded) {
    log_message(LogLevel::error, "%s", loaded.error().message.c_str());
    return kExitUsage;
  }
  const Settings settings = *loaded;
  set_log_level(settings.debug ? LogLevel::debug : settings.log_level);

  // A restart after a crash finds the dead mount of the daemon that crashed.
  auto cleared = clear_dead_aoefs_mount(line.mountpoint);
  if (!cleared) {
    log_message(LogLevel::error, "%s", cleared.error().message.c_str());
    return kExitFailure;
  }
  if (*cleared)
    log_message(LogLevel::warning,
                "%s: a dead aoefs mount was there (its daemon ended without unmounting); "
                "unmounted it (lazily) to mount again",
                printable(line.mountpoint).c_str());
  // Opened and checked once, here; the mount goes through this descriptor,
  // whatever becomes of the path during discovery (mount_point.hpp).
  auto mount_point = MountPoint::open(line.mountpoint);
  if (!mount_point) {
    log_message(LogLevel::error, "%s", mount_point.error().message.c_str());
    return kExitFailure;
  }
  set_log_mount(printable(mount_point->real_path()));

  Background background;
  if (!settings.foreground && !settings.debug) {
    // With neither the journal nor syslog listening, stderr stays open: the
    // lines go on to the terminal (or file) that started the daemon.
    const bool system_log = log_to_system_log();
    background = Background::detach(/*keep_stderr=*/!system_log);
  }
  return serve(std::move(mount_point).value(), settings, fuse_options, background);
}

}  // namespace aoefs

// The Asio driver around Engine (engine.hpp holds the protocol logic).
//
// The engine runs under one mutex: public calls post() a closure to the io
// thread (with InitiatorOptions::submit_inline, reads and writes call the
// engine on the caller's thread instead, and the link sends their first
// frames from there with one sendmsg); link receivers and the one
// steady_timer call in directly; snapshots (targets(), stats()) and the
// destructor may run on any thread. Completion handlers are always posted
// to the io_context (the engine's `defer`), never run inside the call that
// started the operation. The timer is only touched under the mutex. The
// timer is armed for the engine's
// next_wakeup() whenever that moves earlier than what is armed; a timer that
// fires early (its deadline went away) is harmless.
#include "protocol/io/initiator.hpp"

#include "protocol/io/asio.hpp"

#include <sys/random.h>
#include <unistd.h>

#include <mutex>

#include "protocol/engine.hpp"
#include "protocol/codec/error.hpp"

namespace aoe {
namespace {

// Every daemon on a segment (several may share a NIC) draws its own tags
// (tag_table.hpp). getrandom() does not fail for 8 bytes once the pool is
// initialised; should it, the clock and the pid still tell daemons apart.
std::uint64_t random_tag_seed() {
  std::uint64_t seed = 0;
  if (getrandom(&seed, sizeof seed, 0) != static_cast<ssize_t>(sizeof seed))
    seed = static_cast<std::uint64_t>(Clock::now().time_since_epoch().count()) ^
           (static_cast<std::uint64_t>(getpid()) << 32);
  return seed | 1;  // never 0: that is the unit tests' fixed layout
}

}  // namespace

struct Initiator::Impl : std::enable_shared_from_this<Impl> {
  Impl(boost::asio::io_context& io, std::vector<std::unique_ptr<Link>> owned,
       InitiatorOptions options)
      : io(io), links(std::move(owned)), timer(io), submit_inline(options.submit_inline) {
    std::vector<Link*> raw;
    for (auto& l : links) raw.push_back(l.get());
    EngineConfig config;
    config.options = options;
    config.tag_seed = random_tag_seed();
    config.stages = stages.get();
    engine = std::make_unique<Engine>(
        std::move(raw), config, [&io, s = stages](std::function<void()> fn) {
          boost::asio::post(io, [fn = std::move(fn), s, since = Clock::now()] {
            s->record(RequestStage::completion, Clock::now() - since);
            fn();
          });
        });
  }

  boost::asio::io_context& io;
  std::vector<std::unique_ptr<Link>> links;
  // Shared with every posted completion: those of a shutdown may run after
  // the Impl is gone.
  std::shared_ptr<RequestStages> stages = std::make_shared<RequestStages>();
  std::unique_ptr<Engine> engine;
  boost::asio::steady_timer timer;
  TimePoint armed = TimePoint::max();
  const bool submit_inline;
  mutable std::mutex mutex;
  bool links_started = false;

  static TimePoint now() { return Clock::now(); }

  // Call with `mutex` held, after every engine call.
  void rearm() {
    const TimePoint want = engine->next_wakeup();
    if (want >= armed || want == TimePoint::max()) return;
    armed = want;
    timer.expires_at(want);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec) return;
      std::lock_guard lock(self->mutex);
      self->armed = TimePoint::max();
      self->engine->on_timer(now());
      self->rearm();
    });
  }

  template <class F>
  void run(F&& f) {
    boost::asio::post(io, [self = shared_from_this(), f = std::forward<F>(f)]() mutable {
      std::lock_guard lock(self->mutex);
      f(*self->engine, now());
      self->rearm();
    });
  }

  // run() for a read or a write, timing its submit stage; on the caller's
  // thread with submit_inline (its first frames leave from here). Handlers
  // stay deferred either way (the engine's `defer` posts them).
  template <class F>
  void run_request(F&& f) {
    const TimePoint called = now();
    auto enter = [this, called](F& g) {
      std::lock_guard lock(mutex);
      const TimePoint taken = now();
      stages->record(RequestStage::submit, taken - called);
      g(*engine, taken);
      rearm();
    };
    if (submit_inline) return enter(f);
    boost::asio::post(
        io, [self = shared_from_this(), f = std::forward<F>(f), enter]() mutable { enter(f); });
  }

  void start_links() {
    if (links_started) return;
    links_started = true;
    for (std::size_t i = 0; i < links.size(); ++i) {
      links[i]->start([this, i](Link::Batch frames) {
        std::lock_guard lock(mutex);
        engine->on_frames(i, frames, now());
        rearm();
      });
    }
  }

  void shutdown() {
    {
      std::lock_guard lock(mutex);
      engine->shutdown();
    }
    // Links and the timer belong to the io thread.
    boost::asio::post(io, [self = shared_from_this()] {
      for (auto& l : self->links) l->stop();
      self->timer.cancel();
    });
  }
};

Initiator::Initiator(boost::asio::io_context& io, std::vector<std::unique_ptr<Link>> links,
                     InitiatorOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(links), options)) {}

Initiator::~Initiator() { impl_->shutdown(); }

void Initiator::set_target_listener(TargetListener listener) {
  std::lock_guard lock(impl_->mutex);
  impl_->engine->set_target_listener(std::move(listener));
}

void Initiator::start() {
  boost::asio::post(impl_->io, [self = impl_] {
    std::lock_guard lock(self->mutex);
    if (self->engine->is_shut_down()) return;
    self->start_links();
    self->engine->start(Impl::now());
    self->rearm();
  });
}

void Initiator::discover_now() {
  impl_->run([](Engine& e, TimePoint now) { e.discover_now(now); });
}

void Initiator::wait_discovery(std::chrono::milliseconds settle, Handler done) {
  boost::asio::post(impl_->io, [self = impl_, settle, done = std::move(done)]() mutable {
    {
      std::lock_guard lock(self->mutex);
      if (self->engine->is_shut_down()) {
        boost::asio::post(self->io, [done = std::move(done)] { done(InitiatorErrc::cancelled); });
        return;
      }
      self->start_links();
      // start() repeats the broadcast soon (engine.hpp), for lossy wires.
      if (self->engine->is_started())
        self->engine->discover_now(Impl::now());
      else
        self->engine->start(Impl::now());
      self->rearm();
    }
    // After `settle`, wait (up to another `settle`) for IDENTIFYs in progress.
    auto timer = std::make_shared<boost::asio::steady_timer>(self->io, settle);
    const TimePoint give_up = Impl::now() + 2 * settle;
    auto check = std::make_shared<std::function<void(const boost::system::error_code&)>>();
    *check = [self, timer, give_up, done = std::move(done),
              check](const boost::system::error_code&) mutable {
      std::size_t pending;
      bool shut;
      {
        std::lock_guard lock(self->mutex);
        pending = self->engine->identifying();
        shut = self->engine->is_shut_down();
      }
      if (shut || pending == 0 || Impl::now() >= give_up) {
        auto d = std::move(done);
        *check = nullptr;  // break the self-reference
        d(shut ? make_error_code(InitiatorErrc::cancelled) : std::error_code{});
        return;
      }
      timer->expires_after(std::chrono::milliseconds(10));
      timer->async_wait([check](const boost::system::error_code& ec) { (*check)(ec); });
    };
    timer->async_wait([check](const boost::system::error_code& ec) { (*check)(ec); });
  });
}

void Initiator::shutdown() { impl_->shutdown(); }

void Initiator::read(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
                     std::span<std::uint8_t> buffer, Handler done) {
  impl_->run_request([=, done = std::move(done)](Engine& e, TimePoint now) mutable {
    e.read(target, lba, sectors, buffer, std::move(done), now);
  });
}

void Initiator::write(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
                      std::span<const std::uint8_t> buffer, Handler done) {
  impl_->run_request([=, done = std::move(done)](Engine& e, TimePoint now) mutable {
    e.write(target, lba, sectors, buffer, std::move(done), now);
  });
}

void Initiator::flush(TargetAddress target, Handler done) {
  impl_->run([=, done = std::move(done)](Engine& e, TimePoint now) mutable {
    e.flush(target, std::move(done), now);
  });
}

void Initiator::trim(TargetAddress target, std::uint64_t lba, std::uint32_t sectors, Handler done) {
  impl_->run([=, done = std::move(done)](Engine& e, TimePoint now) mutable {
    e.trim(target, lba, sectors, std::move(done), now);
  });
}

void Initiator::query_config(TargetAddress target, ConfigCommand command, std::string config,
                             ConfigHandler done) {
  impl_->run(
      [=, config = std::move(config), done = std::move(done)](Engine& e, TimePoint now) mutable {
        e.query_config(target, command, std::move(config), std::move(done), now);
      });
}

void Initiator::mac_mask(TargetAddress target, MacMaskMessage request, MaskHandler done) {
  impl_->run(
      [=, request = std::move(request), done = std::move(done)](Engine& e, TimePoint now) mutable {
        e.mac_mask(target, std::move(request), std::move(done), now);
      });
}

void Initiator::reserve(TargetAddress target, ReserveMessage request, ReserveHandler done) {
  impl_->run(
      [=, request = std::move(request), done = std::move(done)](Engine& e, TimePoint now) mutable {
        e.reserve(target, std::move(request), std::move(done), now);
      });
}

std::vector<TargetInfo> Initiator::targets() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine->targets();
}

std::optional<TargetInfo> Initiator::target(TargetAddress address) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine->target(address);
}

std::optional<TargetStats> Initiator::stats(TargetAddress address) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine->stats(address, Clock::now());
}

LinkStats Initiator::link_stats() const {
  std::lock_guard lock(impl_->mutex);
  LinkStats stats = impl_->engine->link_stats();
  stats.stages = impl_->stages->snapshot();
  return stats;
}

RequestStages& Initiator::stages() { return *impl_->stages; }

std::vector<MacAddress> Initiator::local_macs() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine->local_macs();
}

}  // namespace aoe

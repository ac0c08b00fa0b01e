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

#include <poll.h>
#include <sys/eventfd.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>

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

// A caller receiving its own answers (Initiator::await_own): completions the
// engine defers while this thread runs it are collected here and run on this
// thread once the engine's mutex is released, instead of being posted.
struct CallerTurn {
  const void* impl = nullptr;
  std::vector<std::function<void()>> due;
};
thread_local CallerTurn* caller_turn = nullptr;

// A read or write this thread started alone (nothing else in flight): what
// await_own waits for. A handler that runs on another thread (the io thread
// took the answer) wakes the waiter through its thread's eventfd.
struct OwnRequest {
  const void* impl = nullptr;  // whose request
  std::atomic<bool> done{false};
  int wake_fd = -1;
  std::thread::id waiter = std::this_thread::get_id();
};
thread_local std::vector<std::shared_ptr<OwnRequest>> own_requests;

// This thread's eventfd for OwnRequest::wake_fd (made at first use, closed
// at thread exit); -1 if none could be made (the waiter then sleeps out its
// time when another thread completes its request).
struct WakeFd {
  int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  ~WakeFd() {
    if (fd >= 0) ::close(fd);
  }
};
thread_local WakeFd wake_fd;

}  // namespace

struct Initiator::Impl : std::enable_shared_from_this<Impl> {
  Impl(boost::asio::io_context& io, std::vector<std::unique_ptr<Link>> owned,
       InitiatorOptions options)
      : io(io),
        links(std::move(owned)),
        timer(io),
        submit_inline(options.submit_inline),
        answer_on_caller(options.answer_on_caller) {
    std::vector<Link*> raw;
    for (auto& l : links) raw.push_back(l.get());
    EngineConfig config;
    config.options = options;
    config.tag_seed = random_tag_seed();
    config.stages = stages.get();
    engine = std::make_unique<Engine>(
        std::move(raw), config, [this, &io, s = stages](std::function<void()> fn) {
          if (caller_turn && caller_turn->impl == this) {
            caller_turn->due.push_back([fn = std::move(fn), s, since = Clock::now()] {
              s->record(RequestStage::completion, Clock::now() - since);
              fn();
            });
            return;
          }
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
  const bool answer_on_caller;
  // Reads and writes submitted whose handlers have not run.
  std::atomic<int> requests_out{0};
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
  // thread with submit_inline, or with answer_on_caller when nothing else is
  // in flight (its first frames leave from here, and await_own may take its
  // answer here). Handlers stay deferred either way (the engine's `defer`).
  // `g(engine, now, handler)` submits with the handler it is given.
  template <class G>
  void run_request(Handler done, G g) {
    const TimePoint called = now();
    const bool alone = requests_out.fetch_add(1, std::memory_order_relaxed) == 0;
    std::shared_ptr<OwnRequest> mine;
    if (answer_on_caller && alone) {
      mine = std::make_shared<OwnRequest>();
      mine->impl = this;
      mine->wake_fd = wake_fd.fd;
      own_requests.push_back(mine);
    }
    Handler wrapped = [self = shared_from_this(), mine,
                       done = std::move(done)](std::error_code ec) {
      self->requests_out.fetch_sub(1, std::memory_order_relaxed);
      if (mine) {
        mine->done.store(true, std::memory_order_release);
        if (mine->wake_fd >= 0 && std::this_thread::get_id() != mine->waiter) {
          const std::uint64_t one = 1;
          [[maybe_unused]] auto n = ::write(mine->wake_fd, &one, sizeof one);
        }
      }
      done(ec);
    };
    auto enter = [this, called](G& f, Handler& h) {
      std::lock_guard lock(mutex);
      const TimePoint taken = now();
      stages->record(RequestStage::submit, taken - called);
      f(*engine, taken, std::move(h));
      rearm();
    };
    if (submit_inline || mine) return enter(g, wrapped);
    boost::asio::post(io, [self = shared_from_this(), g = std::move(g), h = std::move(wrapped),
                           enter]() mutable { enter(g, h); });
  }

  // Initiator::await_own.
  void await_own(std::chrono::microseconds at_most) {
    std::erase_if(own_requests, [this](const auto& r) {
      return r->impl == this && r->done.load(std::memory_order_acquire);
    });
    if (std::none_of(own_requests.begin(), own_requests.end(),
                     [this](const auto& r) { return r->impl == this; }))
      return;
    std::vector<pollfd> fds;
    std::vector<Link*> readable;
    for (auto& l : links) {
      const int fd = l->readiness_fd();
      if (fd < 0) continue;
      fds.push_back({fd, POLLIN, 0});
      readable.push_back(l.get());
    }
    if (wake_fd.fd >= 0) fds.push_back({wake_fd.fd, POLLIN, 0});
    const TimePoint deadline = now() + at_most;
    auto all_done = [this] {
      for (auto& r : own_requests)
        if (r->impl == this && !r->done.load(std::memory_order_acquire)) return false;
      return true;
    };
    CallerTurn turn;
    turn.impl = this;
    while (!readable.empty() && !all_done()) {
      const TimePoint t = now();
      if (t >= deadline) break;
      const auto left = std::chrono::duration_cast<std::chrono::nanoseconds>(deadline - t);
      timespec ts{static_cast<time_t>(left.count() / 1'000'000'000),
                  static_cast<long>(left.count() % 1'000'000'000)};
      for (auto& p : fds) p.revents = 0;
      if (::ppoll(fds.data(), fds.size(), &ts, nullptr) <= 0) continue;
      caller_turn = &turn;
      for (std::size_t i = 0; i < readable.size(); ++i)
        if (fds[i].revents) readable[i]->receive_here();
      if (fds.size() > readable.size() && fds.back().revents) {
        std::uint64_t drained;
        [[maybe_unused]] auto n = ::read(wake_fd.fd, &drained, sizeof drained);
      }
      caller_turn = nullptr;
      // The engine's mutex is released: run what came due here.
      auto due = std::move(turn.due);
      turn.due.clear();
      for (auto& fn : due) fn();
    }
    std::erase_if(own_requests, [this](const auto& r) { return r->impl == this; });
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
  impl_->run_request(std::move(done), [=](Engine& e, TimePoint now, Handler h) {
    e.read(target, lba, sectors, buffer, std::move(h), now);
  });
}

void Initiator::write(TargetAddress target, std::uint64_t lba, std::uint32_t sectors,
                      std::span<const std::uint8_t> buffer, Handler done) {
  impl_->run_request(std::move(done), [=](Engine& e, TimePoint now, Handler h) {
    e.write(target, lba, sectors, buffer, std::move(h), now);
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

void Initiator::await_own(std::chrono::microseconds at_most) { impl_->await_own(at_most); }

RequestStages& Initiator::stages() { return *impl_->stages; }

std::vector<MacAddress> Initiator::local_macs() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->engine->local_macs();
}

}  // namespace aoe

#include "sim_network.hpp"

#include <algorithm>

#include "protocol/codec/frame.hpp"

namespace aoetest {

std::error_code SimLink::send(std::span<const std::uint8_t> frame) {
  if (record) sent.emplace_back(frame.begin(), frame.end());
  net_.from_initiator(index_, frame);
  return {};
}

SimNetwork::SimNetwork(WireFaults faults)
    : faults_(faults), rng_(faults.seed), now_(aoe::TimePoint{} + std::chrono::hours(1)) {}

SimLink& SimNetwork::add_link(std::string name, aoe::MacAddress mac, unsigned mtu) {
  links_.push_back(std::make_unique<SimLink>(*this, links_.size(), std::move(name), mac, mtu));
  return *links_.back();
}

FakeTarget& SimNetwork::add_target(FakeTargetOptions options, std::vector<std::size_t> links) {
  Attached attached;
  attached.target = std::make_unique<FakeTarget>(std::move(options));
  attached.links = std::move(links);
  targets_.push_back(std::move(attached));
  return *targets_.back().target;
}

std::vector<aoe::Link*> SimNetwork::links() {
  std::vector<aoe::Link*> out;
  for (auto& l : links_) out.push_back(l.get());
  return out;
}

aoe::Engine::Defer SimNetwork::deferrer() {
  return [this](std::function<void()> fn) { deferred_.push_back(std::move(fn)); };
}

void SimNetwork::run_deferred() {
  while (!deferred_.empty()) {
    auto fn = std::move(deferred_.front());
    deferred_.pop_front();
    fn();
  }
}

bool SimNetwork::chance(double p) {
  if (p <= 0) return false;
  return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
}

aoe::Duration SimNetwork::jitter() {
  const auto max = faults_.jitter.count();
  if (max <= 0) return aoe::Duration::zero();
  return aoe::Duration(std::uniform_int_distribution<long long>(0, max)(rng_));
}

void SimNetwork::push(aoe::TimePoint at, bool to_target, std::size_t link, FakeTarget* target,
                      std::vector<std::uint8_t> bytes) {
  events_.push(Event{at, seq_++, to_target, link, target, std::move(bytes)});
}

void SimNetwork::schedule(bool to_target, std::size_t link, FakeTarget* target,
                          std::span<const std::uint8_t> bytes, aoe::Duration extra) {
  if (faults_.max_frame && bytes.size() > faults_.max_frame) {
    ++counters_.too_big;
    return;
  }
  if ((link < link_down_.size() && link_down_[link]) || chance(faults_.drop)) {
    ++counters_.dropped;
    return;
  }
  aoe::TimePoint at = now_ + extra + faults_.latency;
  if (chance(faults_.reorder)) {
    ++counters_.reordered;
    at += jitter();
  }
  if (to_target && chance(faults_.stall)) {
    ++counters_.stalled;
    at += faults_.stall_delay;
  }
  std::vector<std::uint8_t> copy(bytes.begin(), bytes.end());
  if (chance(faults_.duplicate)) {
    ++counters_.duplicated;
    const aoe::TimePoint dup_at = to_target ? at + faults_.duplicate_delay : at + jitter();
    push(dup_at, to_target, link, target, copy);
  }
  push(at, to_target, link, target, std::move(copy));
}

void SimNetwork::from_initiator(std::size_t link, std::span<const std::uint8_t> frame) {
  auto header = aoe::decode_header(frame);
  for (Attached& a : targets_) {
    if (std::find(a.links.begin(), a.links.end(), link) == a.links.end()) continue;
    if (header && !header->dst.is_broadcast() && header->dst != a.target->options().mac) continue;
    schedule(true, link, a.target.get(), frame);
  }
}

SimNetwork::Attached* SimNetwork::attached(FakeTarget* target) {
  for (Attached& a : targets_)
    if (a.target.get() == target) return &a;
  return nullptr;
}

void SimNetwork::stall_target(FakeTarget& target, aoe::Duration d) {
  Attached* a = attached(&target);
  if (a) a->busy_until = std::max(a->busy_until, now_ + d);
}

// The target's answer leaves after its service time (queued behind the
// requests it is still serving), unless it is held back for later answers.
void SimNetwork::answer(Attached& a, std::size_t link, std::span<const std::uint8_t> request,
                        std::vector<std::uint8_t> bytes) {
  const FakeTargetOptions& o = a.target->options();
  auto decoded = aoe::decode(request);
  const auto* ata = decoded ? std::get_if<aoe::AtaMessage>(&decoded->body) : nullptr;
  const aoe::Duration service = ata && ata->write ? o.write_service_time : o.service_time;
  const aoe::TimePoint leave = std::max(now_, a.busy_until) + service;
  a.busy_until = leave;
  const aoe::Duration extra = leave - now_;
  if (chance(o.late_chance)) {
    ++counters_.held;
    const unsigned spread =
        o.late_spread ? std::uniform_int_distribution<unsigned>(0, o.late_spread)(rng_) : 0;
    a.held.push_back({std::move(bytes), link, o.late_after + spread, leave + o.late_max});
    Event e{leave + o.late_max, seq_++, false, link, a.target.get(), {}};
    e.release = true;
    events_.push(std::move(e));
    return;
  }
  schedule(false, link, nullptr, bytes, extra);
  for (Held& h : a.held)
    if (h.remaining) --h.remaining;
  release_held(a, false, extra);
}

void SimNetwork::release_held(Attached& a, bool overdue_only, aoe::Duration extra) {
  for (std::size_t i = 0; i < a.held.size();) {
    Held& h = a.held[i];
    if (h.remaining == 0 || (overdue_only && now_ >= h.until)) {
      schedule(false, h.link, nullptr, h.bytes, extra);
      a.held.erase(a.held.begin() + static_cast<std::ptrdiff_t>(i));
    } else {
      ++i;
    }
  }
}

bool SimNetwork::run_until(const std::function<bool()>& pred, aoe::Duration limit) {
  const aoe::TimePoint end = now_ + limit;
  for (;;) {
    run_deferred();
    if (pred()) return true;
    aoe::TimePoint next = aoe::TimePoint::max();
    for (aoe::Engine* e : engines_) next = std::min(next, e->next_wakeup());
    const bool frame_first = !events_.empty() && events_.top().at <= next;
    if (frame_first) next = events_.top().at;
    if (next > end) {
      now_ = end;
      run_deferred();
      return pred();
    }
    now_ = std::max(now_, next);
    if (frame_first) {
      Event e = std::move(const_cast<Event&>(events_.top()));
      events_.pop();
      if (e.release) {
        if (Attached* a = attached(e.target)) release_held(*a, true, {});
      } else if (e.to_target) {
        ++counters_.to_targets;
        if (auto reply = e.target->handle(e.bytes))
          if (Attached* a = attached(e.target)) answer(*a, e.link, e.bytes, std::move(*reply));
      } else {
        ++counters_.to_initiator;
        for (aoe::Engine* engine : engines_) engine->on_frame(e.link, e.bytes, now_);
      }
    } else {
      for (aoe::Engine* engine : engines_)
        if (engine->next_wakeup() <= now_) engine->on_timer(now_);
    }
  }
}

}  // namespace aoetest

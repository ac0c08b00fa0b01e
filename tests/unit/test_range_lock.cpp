#include <catch2/catch.hpp>

#include <vector>

#include "aoefs/fs/range_lock.hpp"

using aoefs::RangeLock;

TEST_CASE("range lock grants a free range at once") {
  RangeLock lock;
  RangeLock::Ticket t = 0;
  lock.acquire(10, 5, [&](RangeLock::Ticket ticket) { t = ticket; });
  REQUIRE(t != 0);
  CHECK(lock.held_count() == 1);
  lock.release(t);
  CHECK(lock.held_count() == 0);
}

TEST_CASE("range lock: disjoint ranges are held together, overlapping ones wait") {
  RangeLock lock;
  std::vector<int> order;
  RangeLock::Ticket a = 0, b = 0, c = 0;
  lock.acquire(0, 8, [&](auto t) {
    a = t;
    order.push_back(1);
  });
  lock.acquire(8, 8, [&](auto t) {
    b = t;
    order.push_back(2);
  });  // adjacent, disjoint
  lock.acquire(7, 2, [&](auto t) {
    c = t;
    order.push_back(3);
  });  // overlaps both
  CHECK(order == std::vector<int>{1, 2});
  CHECK(lock.waiting_count() == 1);
  lock.release(a);
  CHECK(order == std::vector<int>{1, 2});  // still overlaps b
  lock.release(b);
  CHECK(order == std::vector<int>{1, 2, 3});
  lock.release(c);
  CHECK(lock.held_count() == 0);
  CHECK(lock.waiting_count() == 0);
}

TEST_CASE("range lock is first come first served among overlapping waiters") {
  RangeLock lock;
  std::vector<int> order;
  std::vector<RangeLock::Ticket> tickets(4);
  lock.acquire(0, 10, [&](auto t) {
    tickets[0] = t;
    order.push_back(0);
  });
  lock.acquire(5, 10, [&](auto t) {
    tickets[1] = t;
    order.push_back(1);
  });
  // Free of holder 0 but overlaps waiter 1: must not overtake it.
  lock.acquire(12, 1, [&](auto t) {
    tickets[2] = t;
    order.push_back(2);
  });
  // Overlaps nothing: granted at once.
  lock.acquire(100, 1, [&](auto t) {
    tickets[3] = t;
    order.push_back(3);
  });
  CHECK(order == std::vector<int>{0, 3});
  lock.release(tickets[0]);
  CHECK(order == std::vector<int>{0, 3, 1});
  lock.release(tickets[1]);
  CHECK(order == std::vector<int>{0, 3, 1, 2});
}

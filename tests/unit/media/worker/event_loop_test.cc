#include "media/worker/event_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "media/worker/worker.h"

namespace tr::media {
namespace {

TEST(EventLoopTest, PostedClosuresRunInOrderOnTheLoopThread) {
  EventLoop loop;
  std::vector<int> order;
  std::thread::id loop_thread;
  std::thread t([&] {
    loop_thread = std::this_thread::get_id();
    loop.Run();
  });
  for (int i = 0; i < 100; ++i) {
    loop.Post([&order, i] { order.push_back(i); });
  }
  std::atomic<bool> on_loop{false};
  loop.Post([&] { on_loop = loop.IsLoopThread(); });
  loop.Stop();
  t.join();
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  EXPECT_TRUE(on_loop);
}

TEST(EventLoopTest, TimersFireInDeadlineOrderAndCanBeStoppedOrRestarted) {
  EventLoop loop;
  std::vector<int> fired;
  Timer a(&loop, [&] { fired.push_back(1); });
  Timer b(&loop, [&] { fired.push_back(2); });
  Timer c(&loop, [&] { fired.push_back(3); });
  int ticks = 0;
  Timer periodic(&loop, [&] {});
  Timer* p = &periodic;
  Timer repeat(&loop, [&] {
    if (++ticks < 3) p->Start(1);
  });
  Timer stopper(&loop, [&] { loop.Stop(); });
  std::thread t([&] {
    loop.Post([&] {
      c.Start(30);
      a.Start(10);
      b.Start(20);
      b.Stop();
      b.Start(25);
      repeat.Start(1);
      stopper.Start(80);
    });
    loop.Run();
  });
  t.join();
  EXPECT_EQ(fired, (std::vector<int>{1, 2, 3}));
  EXPECT_GE(ticks, 1);
}

TEST(WorkerTest, BindsUdpAndTcpOnTheSameEphemeralPort) {
  WorkerOptions o;
  o.listen_ip = "127.0.0.1";
  Worker w(o);
  w.Bind();
  EXPECT_NE(w.udp_port(), 0);
  EXPECT_EQ(w.udp_port(), w.tcp_port());
  w.Start();
  std::atomic<bool> ran{false};
  w.RunSyncForTest([&] { ran = true; });
  EXPECT_TRUE(ran);
  w.Stop();
}

TEST(WorkerTest, TakenPortThrows) {
  WorkerOptions o;
  o.listen_ip = "127.0.0.1";
  Worker first(o);
  first.Bind();
  o.port = first.udp_port();
  Worker second(o);
  EXPECT_THROW(second.Bind(), std::runtime_error);
}

}  // namespace
}  // namespace tr::media

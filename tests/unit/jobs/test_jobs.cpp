#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "jobs/JobRunner.h"

using namespace gts::jobs;
using namespace std::chrono_literals;

namespace {

/// Stands in for the UI thread: posted callbacks queue up and run when the test pumps them.
class PostQueue {
public:
    JobRunner::Post poster() {
        return [this](std::function<void()> fn) {
            std::lock_guard lock(mutex_);
            queue_.push_back(std::move(fn));
        };
    }
    /// Runs everything posted so far; returns how many.
    size_t pump() {
        std::deque<std::function<void()>> batch;
        {
            std::lock_guard lock(mutex_);
            batch.swap(queue_);
        }
        for (auto& fn : batch) fn();
        return batch.size();
    }

private:
    std::mutex mutex_;
    std::deque<std::function<void()>> queue_;
};

/// Spins until `job` sees its cancel flag (or 5 s pass), checking every millisecond.
int waitForCancel(JobContext& c) {
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < until) {
        c.throwIfCancelled();
        std::this_thread::sleep_for(1ms);
    }
    return -1;
}

TEST(Jobs, DeliversTheResultThroughPost) {
    PostQueue ui;
    JobRunner runner(ui.poster());
    int got = 0;
    std::thread::id workerThread;
    runner.submit<int>("sum", [&](JobContext&) {
        workerThread = std::this_thread::get_id();
        return 40 + 2;
    }, [&](int v) { got = v; });
    ASSERT_TRUE(runner.waitIdle(5s));
    EXPECT_EQ(got, 0) << "delivered before the UI thread pumped";
    EXPECT_NE(workerThread, std::this_thread::get_id());
    EXPECT_EQ(ui.pump(), 1u);
    EXPECT_EQ(got, 42);
}

TEST(Jobs, ANewerJobOfTheSameKeyCancelsTheStaleOne) {
    PostQueue ui;
    JobRunner runner(ui.poster());
    std::vector<int> delivered;
    std::atomic<bool> staleStarted{false}, staleSawCancel{false};
    runner.submit<int>("run", [&](JobContext& c) {
        staleStarted = true;
        try {
            return waitForCancel(c);
        } catch (const Cancelled&) {
            staleSawCancel = true;
            throw;
        }
    }, [&](int v) { delivered.push_back(v); });
    while (!staleStarted) std::this_thread::sleep_for(1ms);
    EXPECT_TRUE(runner.running("run"));
    runner.submit<int>("run", [](JobContext&) { return 2; }, [&](int v) { delivered.push_back(v); });
    ASSERT_TRUE(runner.waitIdle(5s));
    ui.pump();
    EXPECT_TRUE(staleSawCancel);
    EXPECT_EQ(delivered, std::vector<int>{2});
    EXPECT_FALSE(runner.running("run"));
}

TEST(Jobs, OtherKeysRunSideBySide) {
    PostQueue ui;
    JobRunner runner(ui.poster());
    std::vector<std::string> delivered;
    runner.submit<std::string>("layout", [](JobContext&) { return std::string("layout"); },
                               [&](std::string v) { delivered.push_back(v); });
    runner.submit<std::string>("run", [](JobContext&) { return std::string("run"); },
                               [&](std::string v) { delivered.push_back(v); });
    ASSERT_TRUE(runner.waitIdle(5s));
    ui.pump();
    std::sort(delivered.begin(), delivered.end());
    EXPECT_EQ(delivered, (std::vector<std::string>{"layout", "run"}));
}

TEST(Jobs, FailuresArriveAsMessages) {
    PostQueue ui;
    JobRunner runner(ui.poster());
    std::string error;
    bool done = false;
    runner.submit<int>("load", [](JobContext&) -> int { throw std::runtime_error("model.pt: bad zip"); },
                       [&](int) { done = true; }, [&](const std::string& m) { error = m; });
    ASSERT_TRUE(runner.waitIdle(5s));
    ui.pump();
    EXPECT_FALSE(done);
    EXPECT_EQ(error, "model.pt: bad zip");
}

TEST(Jobs, CancelStopsAJobQuicklyAndDeliversNothing) {
    PostQueue ui;
    JobRunner runner(ui.poster());
    bool delivered = false, failed = false;
    runner.submit<int>("run", waitForCancel, [&](int) { delivered = true; },
                       [&](const std::string&) { failed = true; });
    std::this_thread::sleep_for(20ms);
    const auto t0 = std::chrono::steady_clock::now();
    runner.cancel("run");
    ASSERT_TRUE(runner.waitIdle(5s));
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s);
    ui.pump();
    EXPECT_FALSE(delivered);
    EXPECT_FALSE(failed);
    EXPECT_EQ(runner.active(), 0u);
}

TEST(Jobs, ProgressIsThrottledAndEndsAtOne) {
    PostQueue ui;
    JobRunner runner(ui.poster());
    std::vector<double> seen;
    runner.submit<int>("run", [](JobContext& c) {
        for (int i = 1; i <= 10000; ++i) c.progress(i / 10000.0, "layer");
        return 0;
    }, [](int) {}, {}, [&](double f, const std::string& m) {
        seen.push_back(f);
        EXPECT_EQ(m, "layer");
    });
    ASSERT_TRUE(runner.waitIdle(5s));
    ui.pump();
    ASSERT_FALSE(seen.empty());
    EXPECT_LT(seen.size(), 100u) << "progress not throttled";
    EXPECT_EQ(seen.back(), 1.0);
    EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
}

TEST(Jobs, DestroyingTheRunnerCancelsAndDropsLateResults) {
    PostQueue ui;
    bool delivered = false;
    {
        JobRunner runner(ui.poster());
        runner.submit<int>("run", waitForCancel, [&](int) { delivered = true; });
        runner.submit<int>("quick", [](JobContext&) { return 1; }, [&](int) { delivered = true; });
        std::this_thread::sleep_for(20ms);
    }  // joins the workers
    ui.pump();  // a result posted before destruction must not run after it
    EXPECT_FALSE(delivered);
}

}  // namespace

TEST(Jobs, AResultOnItsWayCountsAsActiveUntilDelivered) {
    // A job whose thread has ended but whose result the UI thread has not yet run is still
    // active: a caller waiting for active() == 0 then knows every result has arrived.
    PostQueue ui;
    JobRunner runner(ui.poster());
    size_t activeInside = 99;
    runner.submit<int>("layout", [](JobContext&) { return 1; }, [&](int) { activeInside = runner.active(); });
    ASSERT_TRUE(runner.waitIdle(5s));
    EXPECT_EQ(runner.active(), 1u);
    EXPECT_EQ(ui.pump(), 1u);
    EXPECT_EQ(activeInside, 0u);  // the delivering callback does not count itself
    EXPECT_EQ(runner.active(), 0u);
}

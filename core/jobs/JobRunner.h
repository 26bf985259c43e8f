#pragma once
// Background work: engine runs, layouts, metrics, file loading. A job runs on its own worker
// thread (oneTBB parallelism inside it is the job's business), reports progress, can be
// cancelled, and hands its result to a caller-supplied `post` function — the application posts
// to its UI thread, tests to a queue — so core never knows about Qt.
//
// Jobs carry a key ("run", "layout", ...). Submitting a job whose key is already running cancels
// the older one: its result is dropped, never delivered (a stale run must not overwrite a newer
// one). Callbacks are delivered through `post` only, in submission order per key.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gts::jobs {

/// Thrown by JobContext::throwIfCancelled (and accepted from the engine's RunCancelled: any
/// exception of a cancelled job is treated as its cancellation).
class Cancelled : public std::runtime_error {
public:
    Cancelled() : std::runtime_error("cancelled") {}
};

/// What a job sees: its cancellation flag and a progress reporter.
class JobContext {
public:
    /// For the engine: RunOptions::cancel = &context.cancelFlag().
    const std::atomic<bool>& cancelFlag() const { return *cancel_; }
    bool cancelled() const { return cancel_->load(std::memory_order_relaxed); }
    void throwIfCancelled() const {
        if (cancelled()) throw Cancelled();
    }
    /// Progress in [0, 1] with a short message; posted at most ~30 times a second.
    void progress(double fraction, const std::string& message = {});

private:
    friend class JobRunner;
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::function<void(double, const std::string&)> report_;
    std::chrono::steady_clock::time_point lastReport_{};
};

class JobRunner {
public:
    /// `post(fn)` must arrange for fn() to run on the thread that owns the callbacks' state
    /// (the UI thread). It may be called from any thread.
    using Post = std::function<void(std::function<void()>)>;

    explicit JobRunner(Post post);
    /// Cancels every job and waits for the worker threads; undelivered results are dropped.
    ~JobRunner();
    JobRunner(const JobRunner&) = delete;
    JobRunner& operator=(const JobRunner&) = delete;

    /// Starts `work` on a worker thread under `key`, cancelling a running job of that key.
    /// On success `done(result)` is posted; on an exception `failed(message)`; a cancelled job
    /// posts nothing. `progress(fraction, message)` is posted while it runs. Returns the job id.
    template <typename Result>
    uint64_t submit(const std::string& key, std::function<Result(JobContext&)> work,
                    std::function<void(Result)> done,
                    std::function<void(const std::string&)> failed = {},
                    std::function<void(double, const std::string&)> progress = {}) {
        auto result = std::make_shared<std::optional<Result>>();
        return start(
            key, [work = std::move(work), result](JobContext& c) { result->emplace(work(c)); },
            [done = std::move(done), result] {
                if (done) done(std::move(**result));
            },
            std::move(failed), std::move(progress));
    }

    /// Cancels the running job of `key` (its result will not be delivered).
    void cancel(const std::string& key);
    void cancelAll();
    /// Jobs started and not yet finished (cancelled ones count until their thread ends), plus
    /// results and errors posted and not yet handed to their callback.
    size_t active() const;
    /// True when `key` has a job that is neither finished nor cancelled.
    bool running(const std::string& key) const;
    /// Waits until no job is active (tests; never from the UI thread). False on timeout.
    bool waitIdle(std::chrono::milliseconds timeout) const;

private:
    struct Job {
        uint64_t id = 0;
        std::string key;
        std::shared_ptr<std::atomic<bool>> cancel;
        std::thread thread;
        bool finished = false;
    };

    uint64_t start(const std::string& key, std::function<void(JobContext&)> work,
                   std::function<void()> deliver, std::function<void(const std::string&)> failed,
                   std::function<void(double, const std::string&)> progress);
    void reapFinished();  // joins threads of finished jobs; lock held

    Post post_;
    /// Set false in the destructor: posted callbacks check it before touching anything.
    std::shared_ptr<std::atomic<bool>> alive_;
    /// Outcomes posted to the UI thread and not yet run (shared: a posted callback outlives us).
    std::shared_ptr<std::atomic<int>> undelivered_;
    mutable std::mutex mutex_;
    mutable std::condition_variable idle_;
    std::vector<std::unique_ptr<Job>> jobs_;
    std::map<std::string, uint64_t> latest_;  // key -> id of its newest job
    uint64_t nextId_ = 1;
};

}  // namespace gts::jobs

#include "jobs/JobRunner.h"

#include <algorithm>

namespace gts::jobs {

void JobContext::progress(double fraction, const std::string& message) {
    if (!report_) return;
    const auto now = std::chrono::steady_clock::now();
    // At most ~30 reports a second, but always the final one.
    if (fraction < 1.0 && now - lastReport_ < std::chrono::milliseconds(33)) return;
    lastReport_ = now;
    report_(std::clamp(fraction, 0.0, 1.0), message);
}

JobRunner::JobRunner(Post post)
    : post_(std::move(post)),
      alive_(std::make_shared<std::atomic<bool>>(true)),
      undelivered_(std::make_shared<std::atomic<int>>(0)) {}

JobRunner::~JobRunner() {
    alive_->store(false);
    std::vector<std::unique_ptr<Job>> jobs;
    {
        std::lock_guard lock(mutex_);
        for (auto& job : jobs_) job->cancel->store(true);
        jobs.swap(jobs_);
    }
    // Joined without the lock: a finishing thread takes it to mark itself finished.
    for (auto& job : jobs)
        if (job->thread.joinable()) job->thread.join();
}

uint64_t JobRunner::start(const std::string& key, std::function<void(JobContext&)> work,
                          std::function<void()> deliver,
                          std::function<void(const std::string&)> failed,
                          std::function<void(double, const std::string&)> progress) {
    std::lock_guard lock(mutex_);
    reapFinished();
    if (auto it = latest_.find(key); it != latest_.end())
        for (auto& job : jobs_)
            if (job->id == it->second) job->cancel->store(true);

    auto job = std::make_unique<Job>();
    job->id = nextId_++;
    job->key = key;
    job->cancel = std::make_shared<std::atomic<bool>>(false);
    latest_[key] = job->id;

    Job* self = job.get();
    auto cancel = job->cancel;
    auto alive = alive_;
    auto undelivered = undelivered_;
    Post post = post_;
    job->thread = std::thread([this, self, cancel, alive, undelivered, post, work = std::move(work),
                               deliver = std::move(deliver), failed = std::move(failed),
                               progress = std::move(progress)] {
        JobContext context;
        context.cancel_ = cancel;
        if (progress)
            context.report_ = [post, alive, cancel, progress](double f, const std::string& m) {
                post([alive, cancel, progress, f, m] {
                    if (alive->load() && !cancel->load()) progress(f, m);
                });
            };
        std::function<void()> outcome;
        try {
            work(context);
            if (!cancel->load())
                outcome = [alive, cancel, deliver] {
                    if (alive->load() && !cancel->load()) deliver();
                };
        } catch (const std::exception& e) {
            // Any exception of a cancelled job (RunCancelled, Cancelled, ...) is its cancellation.
            if (!cancel->load() && failed)
                outcome = [alive, cancel, failed, message = std::string(e.what())] {
                    if (alive->load() && !cancel->load()) failed(message);
                };
        } catch (...) {
            if (!cancel->load() && failed)
                outcome = [alive, cancel, failed] {
                    if (alive->load() && !cancel->load()) failed("unknown error");
                };
        }
        if (outcome) {
            // Counted until the UI thread runs it, so active() stays above zero while a result
            // is on its way (a test waiting for active() == 0 sees every result delivered). The
            // count drops before the callback runs: a callback asking active() does not see itself.
            undelivered->fetch_add(1);
            post([undelivered, outcome = std::move(outcome)] {
                undelivered->fetch_sub(1);
                outcome();
            });
        }
        {
            std::lock_guard done(mutex_);
            self->finished = true;
        }
        idle_.notify_all();
    });
    const uint64_t id = job->id;
    jobs_.push_back(std::move(job));
    return id;
}

void JobRunner::reapFinished() {
    auto finished = std::stable_partition(jobs_.begin(), jobs_.end(),
                                          [](const std::unique_ptr<Job>& j) { return !j->finished; });
    for (auto it = finished; it != jobs_.end(); ++it)
        if ((*it)->thread.joinable()) (*it)->thread.join();  // past its last use of the lock
    jobs_.erase(finished, jobs_.end());
}

void JobRunner::cancel(const std::string& key) {
    std::lock_guard lock(mutex_);
    for (auto& job : jobs_)
        if (job->key == key) job->cancel->store(true);
}

void JobRunner::cancelAll() {
    std::lock_guard lock(mutex_);
    for (auto& job : jobs_) job->cancel->store(true);
}

size_t JobRunner::active() const {
    std::lock_guard lock(mutex_);
    return size_t(std::count_if(jobs_.begin(), jobs_.end(), [](const auto& j) { return !j->finished; })) +
           size_t(std::max(0, undelivered_->load()));
}

bool JobRunner::running(const std::string& key) const {
    std::lock_guard lock(mutex_);
    return std::any_of(jobs_.begin(), jobs_.end(), [&](const auto& j) {
        return j->key == key && !j->finished && !j->cancel->load();
    });
}

bool JobRunner::waitIdle(std::chrono::milliseconds timeout) const {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [&] {
        return std::all_of(jobs_.begin(), jobs_.end(), [](const auto& j) { return j->finished; });
    });
}

}  // namespace gts::jobs

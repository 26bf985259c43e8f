#include "StallProbe.h"

#include <algorithm>

namespace gts {

StallProbe::StallProbe(QObject* parent, int intervalMs) : QObject(parent), interval_(intervalMs) {
    timer_.setTimerType(Qt::PreciseTimer);
    timer_.setInterval(intervalMs);
    connect(&timer_, &QTimer::timeout, this, [this] {
        const qint64 now = clock_.nsecsElapsed();
        if (last_ >= 0) longest_ = std::max(longest_, double(now - last_) / 1e6 - interval_);
        last_ = now;
    });
}

void StallProbe::start() {
    reset();
    clock_.start();
    last_ = 0;  // a stall right after start() (before the first firing) counts too
    timer_.start();
}

void StallProbe::stop() { timer_.stop(); }

void StallProbe::reset() {
    last_ = -1;
    longest_ = 0.0;
}

}  // namespace gts

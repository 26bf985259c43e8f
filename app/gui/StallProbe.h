#pragma once
// Measures how long the UI thread's event loop goes without serving a timer: a timer asks to
// fire every `intervalMs`; the longest gap between two firings, minus the interval, is the
// longest stall a user would have felt (a frozen window).

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

namespace gts {

class StallProbe : public QObject {
    Q_OBJECT
public:
    explicit StallProbe(QObject* parent = nullptr, int intervalMs = 5);
    void start();
    void stop();
    void reset();
    /// The longest stall seen since start()/reset(), in milliseconds.
    double longestStallMs() const { return longest_; }

private:
    QTimer timer_;
    QElapsedTimer clock_;
    qint64 last_ = -1;
    int interval_;
    double longest_ = 0.0;
};

}  // namespace gts

#include "golden/golden_ahead.h"

#include <exception>
#include <utility>

namespace accelsim::golden {

GoldenAhead::GoldenAhead(const ReferenceModel& model, InputFn input, int64_t images, int64_t window)
    : model_(model), input_(std::move(input)), images_(images), window_(window < 1 ? 1 : window) {
  worker_ = std::thread([this] { work(); });
}

GoldenAhead::~GoldenAhead() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  room_.notify_all();
  worker_.join();
}

void GoldenAhead::work() {
  for (;;) {
    int64_t image = 0;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      room_.wait(lock, [this] { return stop_ || next_ - oldest_ < window_ || next_ <= wanted_; });
      if (stop_ || next_ >= images_) return;
      image = next_++;
    }
    Outcome outcome;
    try {
      std::optional<AccumulatorOverflow> overflow;
      outcome.outputs = model_.run(input_(image), overflow);
      if (overflow) outcome.failure = std::string("golden model: ") + overflow->what();
    } catch (const std::exception& error) {
      outcome.failure = std::string("golden model: ") + error.what();
    }
    // A failed image does not stop the worker: the consumer may still ask for later images
    // first (images overlap in the accelerator), and must get what the sequential run got.
    {
      std::lock_guard<std::mutex> lock(mutex_);
      outcomes_.emplace(image, std::move(outcome));
    }
    ready_.notify_all();
  }
}

const GoldenAhead::Outcome& GoldenAhead::get(int64_t image) {
  std::unique_lock<std::mutex> lock(mutex_);
  if (image > wanted_) {
    wanted_ = image;
    room_.notify_all();
  }
  auto it = outcomes_.end();
  ready_.wait(lock, [&] {
    it = outcomes_.find(image);
    return it != outcomes_.end() || image < 0 || image >= images_ || image < oldest_ || released_.count(image);
  });
  if (it == outcomes_.end()) {
    // An image out of range, or one already released.
    it = outcomes_
             .emplace(image,
                      Outcome{{}, std::string("golden model: image ") + std::to_string(image) + " was not computed"})
             .first;
  }
  return it->second;
}

void GoldenAhead::release(int64_t image) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    outcomes_.erase(image);
    if (image < oldest_) return;
    released_.insert(image);
    while (!released_.empty() && *released_.begin() == oldest_) {
      released_.erase(released_.begin());
      ++oldest_;
    }
  }
  room_.notify_all();
}

}  // namespace accelsim::golden

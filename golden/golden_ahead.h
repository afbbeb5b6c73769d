#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "golden/reference_model.h"

namespace accelsim::golden {

// Runs the golden model on a second thread ahead of its consumer (the simulation's checker),
// image after image in order, keeping at most `window` images' outputs that the consumer has not
// released. The consumer asks for an image's outputs (waiting when they are not ready yet) and
// releases the image when done with it. A request beyond the window widens it, so the two can
// never wait on each other.
//
// The results are exactly the sequential ones: the worker computes the same function of the
// same input, and the consumer sees an image's outcome (outputs or overflow) only when it asks
// for that image, in its own order, just as when it computed the image itself.
class GoldenAhead {
 public:
  // An image's outcome: the outputs of every layer, or why the golden model failed on it.
  struct Outcome {
    std::vector<Tensor> outputs;
    std::optional<std::string> failure;  // an accumulator overflow under the error policy, or another error
  };
  using InputFn = std::function<std::vector<int32_t>(int64_t image)>;

  // `input(image)` is called on the worker thread; it and `model` must be safe to use from there.
  GoldenAhead(const ReferenceModel& model, InputFn input, int64_t images, int64_t window = 8);
  ~GoldenAhead();  // stops the worker and waits for it
  GoldenAhead(const GoldenAhead&) = delete;
  GoldenAhead& operator=(const GoldenAhead&) = delete;

  // The image's outcome, waiting for the worker if needed; valid until release(image).
  const Outcome& get(int64_t image);
  void release(int64_t image);

 private:
  void work();

  const ReferenceModel& model_;
  InputFn input_;
  int64_t images_;
  int64_t window_;
  std::mutex mutex_;
  std::condition_variable ready_;  // an outcome was added (worker -> consumer)
  std::condition_variable room_;   // an image was released, requested, or stop (consumer -> worker)
  std::map<int64_t, Outcome> outcomes_;
  std::set<int64_t> released_;  // released images at or after oldest_
  int64_t oldest_ = 0;          // every image before it has been released
  int64_t next_ = 0;            // the next image the worker computes
  int64_t wanted_ = -1;         // the highest image requested
  bool stop_ = false;
  std::thread worker_;  // last: starts after everything above exists
};

}  // namespace accelsim::golden

#include "modules/pe_array/timing/systolic_array.h"

#include <algorithm>

namespace accelsim::modules {

using hardware::Dataflow;

namespace {

// A value travelling through the array with the fold and index it belongs to.
struct Token {
  bool present = false;  // a slot of some fold (bubbles in unused rows are present, not valid)
  bool valid = false;    // carries an operand
  int16_t value = 0;
  int fold = -1;
  int64_t index = 0;  // streamed vector (WS/IS) or window element (OS)
  bool first = false;
  bool last = false;
};

struct PartialSum {
  bool valid = false;
  int64_t value = 0;
  int fold = -1;
  int64_t index = 0;
};

// A bound far above any schedule, to turn a model bug into an error instead of a hang.
int64_t cycle_limit(const std::vector<Fold>& folds, int64_t T, int64_t R, int64_t C) {
  return static_cast<int64_t>(folds.size()) * (T + 2 * R + 2 * C + 8) + 64;
}

}  // namespace

uint64_t SystolicArray::record_violation(const std::string& what, int64_t cycle, int64_t r, int64_t c) {
  if (!violation_)
    violation_ = "detailed array model, cycle " + std::to_string(cycle) + ", PE (" + std::to_string(r) + ", " +
                 std::to_string(c) + "): " + what;
  return 0;
}

uint64_t SystolicArray::run(const int16_t* a, const int16_t* w, int64_t m, int64_t k, int64_t n, int64_t* partial) {
  violation_.reset();
  std::fill(partial, partial + m * n, int64_t{0});
  if (config_.dataflow == Dataflow::OutputStationary) return run_output_stationary(a, w, m, k, n, partial);
  return run_operand_stationary(a, w, m, k, n, partial);
}

// WS (stationary weights, streamed input rows) and IS (stationary inputs, streamed weights).
uint64_t SystolicArray::run_operand_stationary(const int16_t* a, const int16_t* w, int64_t m, int64_t k, int64_t n,
                                               int64_t* partial) {
  const bool ws = config_.dataflow == Dataflow::WeightStationary;
  const bool shadow = config_.double_buffered_operands;
  const int64_t R = config_.rows, C = config_.cols;
  const FoldSpace space = fold_space(config_.dataflow, m, k, n);
  const int64_t T = space.temporal;
  const std::vector<Fold> folds = folds_of(space, R, C);
  const int F = static_cast<int>(folds.size());

  // stationary(r, c) and streamed(t, r) in spatial coordinates; results land in partial[m][n].
  auto stationary = [&](int64_t r, int64_t c) -> int16_t { return ws ? w[c * k + r] : a[c * k + r]; };
  auto streamed = [&](int64_t t, int64_t r) -> int16_t { return ws ? a[t * k + r] : w[t * k + r]; };
  auto result = [&](int64_t t, int64_t c) -> int64_t& { return ws ? partial[t * n + c] : partial[c * n + t]; };

  const std::size_t pes = static_cast<std::size_t>(R * C);
  std::vector<int16_t> weight(pes, 0), shadow_weight(pes, 0);
  std::vector<int> weight_fold(pes, -1), shadow_fold(pes, -1), last_passed(pes, -1);
  std::vector<Token> token(pes), next_token(pes);
  std::vector<PartialSum> sum(pes), next_sum(pes);
  std::vector<int64_t> written_at(static_cast<std::size_t>(F) * static_cast<std::size_t>(R), -1);
  std::vector<int64_t> stream_start(static_cast<std::size_t>(F), -1);
  std::vector<Token> edge(static_cast<std::size_t>(R));

  int load_fold = 0;
  int64_t load_row = 0;
  int feed_fold = -1;  // the newest fold whose stream has started
  int edge_fold = 0;   // the oldest fold still entering the array
  int64_t outputs_left = 0;
  for (const Fold& fold : folds) outputs_left += T * fold.cols;
  int64_t last_output = -1;
  const int64_t limit = cycle_limit(folds, T, R, C);

  for (int64_t cycle = 0; outputs_left > 0; ++cycle) {
    if (cycle > limit) return record_violation("no progress", cycle, 0, 0);

    // The left edge: row 0 starts the next fold once its row-0 operands are written and the
    // current fold has fully entered; row r follows r cycles later.
    const int candidate = feed_fold + 1;
    if (candidate < F && written_at[static_cast<std::size_t>(candidate) * R] >= 0 &&
        written_at[static_cast<std::size_t>(candidate) * R] < cycle &&
        (feed_fold < 0 || cycle >= stream_start[static_cast<std::size_t>(feed_fold)] + T)) {
      feed_fold = candidate;
      stream_start[static_cast<std::size_t>(feed_fold)] = cycle;
    }
    // Folds still entering on some row: a fold occupies the edge for T + R - 1 cycles.
    while (edge_fold <= feed_fold && cycle > stream_start[static_cast<std::size_t>(edge_fold)] + T + R - 2) ++edge_fold;
    std::fill(edge.begin(), edge.end(), Token{});
    for (int f = edge_fold; f <= feed_fold; ++f) {
      for (int64_t r = 0; r < R; ++r) {
        const int64_t t = cycle - stream_start[static_cast<std::size_t>(f)] - r;
        if (t < 0 || t >= T) continue;
        const Fold& fold = folds[static_cast<std::size_t>(f)];
        Token& in = edge[static_cast<std::size_t>(r)];
        in.present = true;
        in.valid = r < fold.rows;
        in.fold = f;
        in.index = t;
        in.first = t == 0;
        in.last = t == T - 1;
        if (in.valid) {
          const int64_t when = written_at[static_cast<std::size_t>(f) * R + r];
          if (when < 0 || when >= cycle)
            return record_violation("streaming into a row whose operands are not written", cycle, r, 0);
          in.value = streamed(t, fold.row_begin + r);
        }
      }
    }

    // Every PE at once, from the registers as they were at the start of the cycle.
    for (int64_t r = 0; r < R; ++r) {
      for (int64_t c = 0; c < C; ++c) {
        const std::size_t pe = static_cast<std::size_t>(r * C + c);
        const Token in = c == 0 ? edge[static_cast<std::size_t>(r)] : token[pe - 1];
        const PartialSum above = r == 0 ? PartialSum{} : sum[pe - static_cast<std::size_t>(C)];
        if (in.present && in.first && shadow) {
          // The fold's first vector carries the switch to the shadow registers.
          if (shadow_fold[pe] == in.fold)
            weight[pe] = shadow_weight[pe];
          else if (in.valid && c < folds[static_cast<std::size_t>(in.fold)].cols)
            return record_violation("shadow operands of the fold are missing", cycle, r, c);
          weight_fold[pe] = in.fold;
          shadow_fold[pe] = -1;
        }
        PartialSum out = above;
        if (in.valid) {
          if (weight_fold[pe] != in.fold && c < folds[static_cast<std::size_t>(in.fold)].cols)
            return record_violation("operand of fold " + std::to_string(in.fold) + " meets stationary data of fold " +
                                        std::to_string(weight_fold[pe]),
                                    cycle, r, c);
          if (above.valid && (above.fold != in.fold || above.index != in.index))
            return record_violation("partial sum and operand out of step", cycle, r, c);
          const int16_t stationary_value = weight_fold[pe] == in.fold ? weight[pe] : int16_t{0};
          out = PartialSum{true, (above.valid ? above.value : 0) + int64_t{in.value} * stationary_value, in.fold,
                           in.index};
        }
        if (in.present && in.last) last_passed[pe] = in.fold;
        next_token[pe] = in;
        next_sum[pe] = out;
      }
    }
    std::swap(token, next_token);
    std::swap(sum, next_sum);

    // Partial sums leaving the bottom row.
    for (int64_t c = 0; c < C; ++c) {
      const PartialSum& out = sum[static_cast<std::size_t>((R - 1) * C + c)];
      if (!out.valid) continue;
      const Fold& fold = folds[static_cast<std::size_t>(out.fold)];
      if (c >= fold.cols) continue;  // an unused column: its stationary operand is zero
      result(out.index, fold.col_begin + c) += out.value;
      --outputs_left;
      last_output = cycle;
    }

    // The row bus writes one stationary row per cycle, in order, once the row is free.
    if (load_fold < F) {
      const Fold& fold = folds[static_cast<std::size_t>(load_fold)];
      // Shadow registers are free once every PE of the row has switched to the previous fold;
      // without them, the active registers once the previous fold's last vector has passed.
      bool free = true;
      for (int64_t c = 0; c < C && free; ++c) {
        const std::size_t pe = static_cast<std::size_t>(load_row * C + c);
        free = shadow ? (shadow_fold[pe] == -1 && weight_fold[pe] >= load_fold - 1) : last_passed[pe] >= load_fold - 1;
      }
      if (free) {
        for (int64_t c = 0; c < C; ++c) {
          const std::size_t pe = static_cast<std::size_t>(load_row * C + c);
          const int16_t value = c < fold.cols ? stationary(fold.row_begin + load_row, fold.col_begin + c) : int16_t{0};
          if (shadow) {
            shadow_weight[pe] = value;
            shadow_fold[pe] = load_fold;
          } else {
            weight[pe] = value;
            weight_fold[pe] = load_fold;
          }
        }
        written_at[static_cast<std::size_t>(load_fold) * R + load_row] = cycle;
        if (++load_row == fold.rows) {
          ++load_fold;
          load_row = 0;
        }
      }
    }
  }
  return static_cast<uint64_t>(last_output + 1);
}

// OS: A rows enter from the left, W columns from the top; each PE keeps its output. A row bus
// reads one finished row per cycle.
uint64_t SystolicArray::run_output_stationary(const int16_t* a, const int16_t* w, int64_t m, int64_t k, int64_t n,
                                              int64_t* partial) {
  const bool shadow = config_.double_buffered_operands;
  const int64_t R = config_.rows, C = config_.cols;
  const FoldSpace space = fold_space(Dataflow::OutputStationary, m, k, n);
  const int64_t T = space.temporal;
  const std::vector<Fold> folds = folds_of(space, R, C);
  const int F = static_cast<int>(folds.size());

  struct Accumulator {
    int64_t value = 0;
    int fold = -1;
    int64_t count = 0;
    bool waiting = false;  // a finished result not yet read (no shadow)
  };
  struct Shadow {
    bool full = false;
    int64_t value = 0;
    int fold = -1;
  };
  const std::size_t pes = static_cast<std::size_t>(R * C);
  std::vector<Token> left(pes), next_left(pes), down(pes), next_down(pes);
  std::vector<Accumulator> acc(pes);
  std::vector<Shadow> held(pes);
  std::vector<int64_t> stream_start(static_cast<std::size_t>(F), -1);
  std::vector<int64_t> row0_read(static_cast<std::size_t>(F), -1);
  std::vector<Token> edge_left(static_cast<std::size_t>(R)), edge_top(static_cast<std::size_t>(C));

  int feed_fold = -1;
  int edge_fold = 0;
  int read_fold = 0;
  int64_t read_row = 0;
  int64_t last_read = -1;
  // Shadow registers: the controller starts a fold knowing when the row bus will read the
  // previous one (it is busy reading the fold before it until bus_free).
  int64_t predicted_read = -1, bus_free = 0;
  const int64_t limit = cycle_limit(folds, T, R, C);

  for (int64_t cycle = 0; read_fold < F; ++cycle) {
    if (cycle > limit) return record_violation("no progress", cycle, 0, 0);

    // The row bus reads the next row of the oldest unread fold if all its used PEs finished
    // by the start of this cycle. Reading frees the registers for writes at the end of it.
    {
      const Fold& fold = folds[static_cast<std::size_t>(read_fold)];
      bool ready = true;
      for (int64_t c = 0; c < fold.cols && ready; ++c) {
        const std::size_t pe = static_cast<std::size_t>(read_row * C + c);
        ready = shadow ? (held[pe].full && held[pe].fold == read_fold) : (acc[pe].waiting && acc[pe].fold == read_fold);
      }
      if (ready) {
        for (int64_t c = 0; c < fold.cols; ++c) {
          const std::size_t pe = static_cast<std::size_t>(read_row * C + c);
          const int64_t value = shadow ? held[pe].value : acc[pe].value;
          partial[(fold.row_begin + read_row) * n + fold.col_begin + c] += value;
          if (shadow)
            held[pe].full = false;
          else
            acc[pe].waiting = false;
        }
        if (read_row == 0) row0_read[static_cast<std::size_t>(read_fold)] = cycle;
        last_read = cycle;
        if (++read_row == fold.rows) {
          ++read_fold;
          read_row = 0;
        }
      }
    }

    // Start the next fold at the edges when the current one has fully entered and the
    // registers its first results need are (or will be) free.
    const int candidate = feed_fold + 1;
    if (candidate < F && (feed_fold < 0 || cycle >= stream_start[static_cast<std::size_t>(feed_fold)] + T)) {
      bool allowed = true;
      if (feed_fold >= 0) {
        if (shadow)
          allowed = cycle + T - 1 >= predicted_read;
        else
          allowed = row0_read[static_cast<std::size_t>(feed_fold)] >= 0;
      }
      if (allowed) {
        feed_fold = candidate;
        stream_start[static_cast<std::size_t>(feed_fold)] = cycle;
        const Fold& fold = folds[static_cast<std::size_t>(feed_fold)];
        predicted_read = std::max(cycle + T + fold.cols - 1, bus_free);
        bus_free = predicted_read + fold.rows;
      }
    }
    while (edge_fold <= feed_fold && cycle > stream_start[static_cast<std::size_t>(edge_fold)] + T + std::max(R, C) - 2)
      ++edge_fold;
    std::fill(edge_left.begin(), edge_left.end(), Token{});
    std::fill(edge_top.begin(), edge_top.end(), Token{});
    for (int f = edge_fold; f <= feed_fold; ++f) {
      const Fold& fold = folds[static_cast<std::size_t>(f)];
      for (int64_t r = 0; r < R; ++r) {
        const int64_t kk = cycle - stream_start[static_cast<std::size_t>(f)] - r;
        if (kk < 0 || kk >= T || r >= fold.rows) continue;
        edge_left[static_cast<std::size_t>(r)] =
            Token{true, true, a[(fold.row_begin + r) * k + kk], f, kk, kk == 0, kk == T - 1};
      }
      for (int64_t c = 0; c < C; ++c) {
        const int64_t kk = cycle - stream_start[static_cast<std::size_t>(f)] - c;
        if (kk < 0 || kk >= T || c >= fold.cols) continue;
        edge_top[static_cast<std::size_t>(c)] =
            Token{true, true, w[(fold.col_begin + c) * k + kk], f, kk, kk == 0, kk == T - 1};
      }
    }

    for (int64_t r = 0; r < R; ++r) {
      for (int64_t c = 0; c < C; ++c) {
        const std::size_t pe = static_cast<std::size_t>(r * C + c);
        const Token from_left = c == 0 ? edge_left[static_cast<std::size_t>(r)] : left[pe - 1];
        const Token from_top = r == 0 ? edge_top[static_cast<std::size_t>(c)] : down[pe - static_cast<std::size_t>(C)];
        next_left[pe] = from_left;
        next_down[pe] = from_top;
        if (!from_left.valid || !from_top.valid) {
          if (from_left.valid != from_top.valid && from_left.present && from_top.present)
            return record_violation("operands out of step", cycle, r, c);
          continue;
        }
        if (from_left.fold != from_top.fold || from_left.index != from_top.index)
          return record_violation("operands out of step", cycle, r, c);
        Accumulator& here = acc[pe];
        const int64_t product = int64_t{from_left.value} * from_top.value;
        if (from_left.index == 0) {
          if (here.waiting) return record_violation("a result is overwritten before the row bus read it", cycle, r, c);
          here = Accumulator{product, from_left.fold, 1, false};
        } else {
          if (here.fold != from_left.fold || here.count != from_left.index)
            return record_violation("accumulator out of step", cycle, r, c);
          here.value += product;
          ++here.count;
        }
        if (here.count == T) {
          if (shadow) {
            if (held[pe].full)
              return record_violation("a shadow result is overwritten before the row bus read it", cycle, r, c);
            held[pe] = Shadow{true, here.value, here.fold};
            here = Accumulator{};
          } else {
            here.waiting = true;
          }
        }
      }
    }
    std::swap(left, next_left);
    std::swap(down, next_down);
  }
  return static_cast<uint64_t>(last_read + 1);
}

}  // namespace accelsim::modules

// A plain greedy NMS in C++ for Scripts/bench/nms: the classic CPU loop
// (sort by score, then suppress every later box whose IoU with a kept box is
// above the threshold), as detection libraries implement it on the CPU, with
// the same HDF5 input and output as the nms tool:
//   greedy_nms IN.h5 IOU REPEATS OUT.h5
// reads 'boxes' [N,4] (x1 y1 x2 y2) and 'scores' [N] (float32), writes 'keep'
// [K] (int64 rows by descending score) to OUT.h5, and prints the number kept
// and the best time of the algorithm alone in milliseconds over the repeats.
#include <hdf5.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdint>
#include <numeric>
#include <vector>

static std::vector<int64_t> greedy_nms(const std::vector<float>& b, const std::vector<float>& s,
                                       float threshold) {
  const int64_t n = int64_t(s.size());
  std::vector<int64_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int64_t x, int64_t y) { return s[x] > s[y]; });
  std::vector<float> area(n);
  for (int64_t i = 0; i < n; i++) area[i] = (b[i * 4 + 2] - b[i * 4]) * (b[i * 4 + 3] - b[i * 4 + 1]);
  std::vector<char> suppressed(n, 0);
  std::vector<int64_t> keep;
  for (int64_t a = 0; a < n; a++) {
    int64_t i = order[a];
    if (suppressed[i]) continue;
    keep.push_back(i);
    for (int64_t c = a + 1; c < n; c++) {
      int64_t j = order[c];
      if (suppressed[j]) continue;
      float w = std::max(0.f, std::min(b[i * 4 + 2], b[j * 4 + 2]) - std::max(b[i * 4], b[j * 4]));
      float h = std::max(0.f, std::min(b[i * 4 + 3], b[j * 4 + 3]) - std::max(b[i * 4 + 1], b[j * 4 + 1]));
      float inter = w * h;
      if (inter / (area[i] + area[j] - inter) > threshold) suppressed[j] = 1;
    }
  }
  return keep;
}

// Reads a whole float32 dataset; an empty vector when it cannot.
static std::vector<float> read_floats(hid_t file, const char* name) {
  hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  if (d < 0) return {};
  hid_t space = H5Dget_space(d);
  std::vector<float> out(size_t(H5Sget_simple_extent_npoints(space)));
  if (H5Dread(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0) out.clear();
  H5Sclose(space);
  H5Dclose(d);
  return out;
}

int main(int argc, char** argv) {
  if (argc != 5) { std::fprintf(stderr, "usage: greedy_nms IN.h5 IOU REPEATS OUT.h5\n"); return 64; }
  hid_t in = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
  if (in < 0) return 66;
  std::vector<float> boxes = read_floats(in, "boxes"), scores = read_floats(in, "scores");
  H5Fclose(in);
  if (scores.empty() || boxes.size() != scores.size() * 4) return 65;
  float threshold = std::strtof(argv[2], nullptr);
  int repeats = std::atoi(argv[3]);
  double best = 1e30;
  std::vector<int64_t> keep;
  for (int r = 0; r < repeats; r++) {
    auto t0 = std::chrono::steady_clock::now();
    keep = greedy_nms(boxes, scores, threshold);
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  hid_t out = H5Fcreate(argv[4], H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t count = keep.size();
  hid_t space = H5Screate_simple(1, &count, nullptr);
  hid_t d = H5Dcreate2(out, "keep", H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  herr_t written = H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, keep.data());
  H5Dclose(d);
  H5Sclose(space);
  if (H5Fclose(out) < 0 || written < 0) return 74;
  std::printf("%zu %.4f\n", keep.size(), best);
  return 0;
}

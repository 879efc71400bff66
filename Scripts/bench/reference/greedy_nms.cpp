// A plain greedy NMS in C++ for Scripts/bench/nms: the classic CPU loop
// (sort by score, then suppress every later box whose IoU with a kept box is
// above the threshold), as detection libraries implement it on the CPU.
// Reads N, then N rows of x1 y1 x2 y2 score as float32 from a binary file;
// prints the number kept and the best time in milliseconds over the repeats.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>
#include <vector>

static std::vector<int> greedy_nms(const std::vector<float>& d, int n, float threshold) {
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return d[a * 5 + 4] > d[b * 5 + 4]; });
  std::vector<float> area(n);
  for (int i = 0; i < n; i++) area[i] = (d[i * 5 + 2] - d[i * 5]) * (d[i * 5 + 3] - d[i * 5 + 1]);
  std::vector<char> suppressed(n, 0);
  std::vector<int> keep;
  for (int a = 0; a < n; a++) {
    int i = order[a];
    if (suppressed[i]) continue;
    keep.push_back(i);
    for (int b = a + 1; b < n; b++) {
      int j = order[b];
      if (suppressed[j]) continue;
      float w = std::max(0.f, std::min(d[i * 5 + 2], d[j * 5 + 2]) - std::max(d[i * 5], d[j * 5]));
      float h = std::max(0.f, std::min(d[i * 5 + 3], d[j * 5 + 3]) - std::max(d[i * 5 + 1], d[j * 5 + 1]));
      float inter = w * h;
      if (inter / (area[i] + area[j] - inter) > threshold) suppressed[j] = 1;
    }
  }
  return keep;
}

int main(int argc, char** argv) {
  if (argc != 4) { std::fprintf(stderr, "usage: greedy_nms FILE IOU REPEATS\n"); return 64; }
  FILE* f = std::fopen(argv[1], "rb");
  if (!f) { std::perror(argv[1]); return 66; }
  int n = 0;
  if (std::fread(&n, sizeof n, 1, f) != 1) return 65;
  std::vector<float> d(size_t(n) * 5);
  if (std::fread(d.data(), sizeof(float), d.size(), f) != d.size()) return 65;
  std::fclose(f);
  float threshold = std::strtof(argv[2], nullptr);
  int repeats = std::atoi(argv[3]);
  double best = 1e30;
  size_t kept = 0;
  for (int r = 0; r < repeats; r++) {
    auto t0 = std::chrono::steady_clock::now();
    kept = greedy_nms(d, n, threshold).size();
    auto t1 = std::chrono::steady_clock::now();
    best = std::min(best, std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::printf("%zu %.4f\n", kept, best);
  return 0;
}

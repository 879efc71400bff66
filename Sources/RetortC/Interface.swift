import Glibc
import Retort

/// Strings that live as long as the library (never freed, never changed).
nonisolated(unsafe) private let versionString = strdup(retortVersion)!
nonisolated(unsafe) private let emptyString = strdup("")!
nonisolated(unsafe) private let openblasCoreName = strdup(BLASKernel.coreName)!

@_cdecl("retort_version")
public func cVersion() -> UnsafePointer<CChar> { UnsafePointer(versionString) }

@_cdecl("retort_blas_core")
public func cBLASCore() -> UnsafePointer<CChar> { UnsafePointer(openblasCoreName) }

@_cdecl("retort_last_error")
public func cLastError() -> UnsafePointer<CChar> { CError.current ?? UnsafePointer(emptyString) }

@_cdecl("retort_softlabel")
public func cSoftlabel(
  _ logits: UnsafePointer<Float>?, _ n: Int64, _ c: Int64, _ temperature: Float,
  _ permuteDark: Int32, _ seed: UInt64, _ probs: UnsafeMutablePointer<Float>?,
  _ weights: UnsafeMutablePointer<Float>?
) -> Int32 {
  CError.run {
    try require(n >= 0 && c >= 1, "softlabel: need n ≥ 0 and c ≥ 1, got \(n) × \(c)")
    try requirePositive(temperature, quantity: "temperature")
    var t = FloatTensor(shape: [Int(n), Int(c)], scalars: try array(logits, n * c, "logits"))
    try requireFinite(t, quantity: "logits")
    SoftTargets.softmaxInPlace(&t, temperature: temperature, threads: availableCores)
    if weights != nil { try copy(SoftTargets.confidenceWeights(t), to: weights, "weights") }
    if permuteDark != 0 { SoftTargets.permuteDark(&t, seed: seed) }
    try copy(t.scalars, to: probs, "probs")
  }
}

@_cdecl("retort_nms")
public func cNMS(
  _ boxes: UnsafePointer<Float>?, _ scores: UnsafePointer<Float>?, _ n: Int64,
  _ image: UnsafePointer<Int64>?, _ classes: UnsafePointer<Int64>?, _ iou: Float,
  _ format: Int32, _ legacyPlusOne: Int32, _ scoreMin: Float, _ maxKeep: Int64, _ soft: Int32,
  _ sigma: Float, _ softMinScore: Float, _ threads: Int32, _ keep: UnsafeMutablePointer<Int64>?,
  _ keptScores: UnsafeMutablePointer<Float>?, _ kept: UnsafeMutablePointer<Int64>?
) -> Int32 {
  CError.run {
    let formats: [BoxFormat] = [.xyxy, .xywh, .cxcywh]
    try require((0..<3).contains(format), "nms: unknown box format \(format)")
    try require((0..<3).contains(soft), "nms: unknown soft decay \(soft)")
    try require(maxKeep >= 0, "nms: max_keep must be ≥ 0")
    let b = FloatTensor(shape: [Int(n), 4], scalars: try array(boxes, n * 4, "boxes"))
    let options = NMSOptions(
      iou: iou, format: formats[Int(format)], legacyPlusOne: legacyPlusOne != 0,
      scoreMin: scoreMin.isNaN ? nil : scoreMin, maxKeep: maxKeep > 0 ? Int(maxKeep) : nil,
      soft: soft == 0
        ? nil
        : SoftNMS(decay: soft == 1 ? .linear : .gaussian, sigma: sigma, minScore: softMinScore),
      threads: threadCount(threads))
    let result = try nonMaximumSuppression(
      boxes: b, scores: try array(scores, n, "scores"), image: optionalArray(image, n),
      classes: optionalArray(classes, n), options: options)
    try copy(result.keep.map(Int64.init), to: keep, "keep")
    if keptScores != nil { try copy(result.scores, to: keptScores, "kept_scores") }
    try copy([Int64(result.keep.count)], to: kept, "kept")
  }
}

@_cdecl("retort_ohem_select")
public func cOHEMSelect(
  _ loss: UnsafePointer<Float>?, _ n: Int64, _ boxes: UnsafePointer<Float>?,
  _ image: UnsafePointer<Int64>?, _ labels: UnsafePointer<Int64>?, _ perImage: Int64, _ iou: Float,
  _ useNMS: Int32, _ perClass: Int32, _ threads: Int32, _ keep: UnsafeMutablePointer<Int64>?,
  _ kept: UnsafeMutablePointer<Int64>?, _ weight: UnsafeMutablePointer<Float>?
) -> Int32 {
  CError.run {
    let b = optionalArray(boxes, n * 4).map { FloatTensor(shape: [Int(n), 4], scalars: $0) }
    let options = OHEMOptions(
      perImage: Int(perImage), iou: iou, nms: useNMS != 0, perClass: perClass != 0,
      threads: threadCount(threads))
    let selection = try ohemSelect(
      loss: try array(loss, n, "loss"), boxes: b, image: optionalArray(image, n),
      labels: optionalArray(labels, n), options: options)
    try copy(selection.keep.map(Int64.init), to: keep, "keep")
    try copy([Int64(selection.keep.count)], to: kept, "kept")
    try copy(selection.weight, to: weight, "weight")
  }
}

@_cdecl("retort_prototypes")
public func cPrototypes(
  _ embeddings: UnsafePointer<Float>?, _ n: Int64, _ d: Int64, _ labels: UnsafePointer<Int64>?,
  _ capacity: Int64, _ prototypes: UnsafeMutablePointer<Float>?,
  _ classes: UnsafeMutablePointer<Int64>?, _ k: UnsafeMutablePointer<Int64>?
) -> Int32 {
  CError.run {
    try require(d >= 1, "prototypes: d must be at least 1")
    let e = FloatTensor(
      shape: [Int(n), Int(d)], scalars: try array(embeddings, n * d, "embeddings"))
    try requireFinite(e, quantity: "embeddings")
    let (p, c) = try Prototypes.compute(embeddings: e, labels: try array(labels, n, "labels"))
    try require(
      c.count <= capacity, "prototypes: \(c.count) classes exceed the capacity \(capacity)")
    try copy(p.scalars, to: prototypes, "prototypes")
    try copy(c, to: classes, "classes")
    try copy([Int64(c.count)], to: k, "k")
  }
}

@_cdecl("retort_classify")
public func cClassify(
  _ queries: UnsafePointer<Float>?, _ n: Int64, _ prototypes: UnsafePointer<Float>?, _ k: Int64,
  _ d: Int64, _ classes: UnsafePointer<Int64>?, _ distance: Int32,
  _ logProbs: UnsafeMutablePointer<Float>?, _ pred: UnsafeMutablePointer<Int64>?
) -> Int32 {
  CError.run {
    try require(d >= 1 && k >= 1, "classify: need d ≥ 1 and k ≥ 1")
    try require(distance == 0 || distance == 1, "classify: unknown distance \(distance)")
    let q = FloatTensor(shape: [Int(n), Int(d)], scalars: try array(queries, n * d, "queries"))
    let p = FloatTensor(
      shape: [Int(k), Int(d)], scalars: try array(prototypes, k * d, "prototypes"))
    try requireFinite(q, quantity: "queries")
    try requireFinite(p, quantity: "prototypes")
    let (lp, predicted) = Prototypes.classify(
      queries: q, prototypes: p, classes: try array(classes, k, "classes"),
      distance: distance == 0 ? .sqeuclidean : .cosine)
    try copy(lp.scalars, to: logProbs, "log_probs")
    try copy(predicted, to: pred, "pred")
  }
}

@_cdecl("retort_procrustes")
public func cProcrustes(
  _ source: UnsafePointer<Float>?, _ ns: Int64, _ target: UnsafePointer<Float>?, _ nt: Int64,
  _ d: Int64, _ pairs: UnsafePointer<Int64>?, _ m: Int64, _ w: UnsafeMutablePointer<Float>?
) -> Int32 {
  CError.run {
    try require(d >= 1, "procrustes: d must be at least 1")
    let x = FloatTensor(shape: [Int(ns), Int(d)], scalars: try array(source, ns * d, "source"))
    let y = FloatTensor(shape: [Int(nt), Int(d)], scalars: try array(target, nt * d, "target"))
    let p = IndexTensor(shape: [Int(m), 2], scalars: try array(pairs, m * 2, "pairs"))
    try copy(try Procrustes.solve(source: x, target: y, pairs: p).scalars, to: w, "w")
  }
}

@_cdecl("retort_csls")
public func cCSLS(
  _ source: UnsafePointer<Float>?, _ ns: Int64, _ target: UnsafePointer<Float>?, _ nt: Int64,
  _ d: Int64, _ k: Int64, _ top: Int64, _ queries: UnsafePointer<Int64>?, _ nq: Int64,
  _ metric: Int32, _ threads: Int32, _ neighbors: UnsafeMutablePointer<Int64>?,
  _ scores: UnsafeMutablePointer<Float>?
) -> Int32 {
  CError.run {
    try require(d >= 1, "csls: d must be at least 1")
    try require(metric == 0 || metric == 1, "csls: unknown metric \(metric)")
    var x = FloatTensor(shape: [Int(ns), Int(d)], scalars: try array(source, ns * d, "source"))
    var y = FloatTensor(shape: [Int(nt), Int(d)], scalars: try array(target, nt * d, "target"))
    Normalization([.unit]).apply(to: &x)
    Normalization([.unit]).apply(to: &y)
    let rows =
      try queries.map { _ in try array(queries, nq, "queries").map(Int.init) } ?? Array(0..<Int(ns))
    try requireIndices(rows, below: Int(ns), quantity: "queries")
    let options = SearchOptions(threads: threadCount(threads))
    let found: Neighbors
    if metric == 0 {
      let radii = try CSLSRadii(source: x, target: y, k: Int(k), options: options)
      found = try cslsNeighbors(
        source: x, target: y, radii: radii, queries: rows, top: Int(top), options: options)
    } else {
      found = try nearestNeighbors(
        queries: x.gather(rows), candidates: y, k: Int(top), options: options)
    }
    try copy(found.indices.scalars, to: neighbors, "neighbors")
    try copy(found.scores.scalars, to: scores, "scores")
  }
}

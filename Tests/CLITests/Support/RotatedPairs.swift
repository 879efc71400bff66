/// Python source defining the generator of the end-to-end alignment tests'
/// rotated embedding pairs (numpy; every draw from the caller's `rng`, in order):
///
///     cloud(rng, n, d, clusters)      n unit rows around `clusters` Gaussian centres
///                                     (1: one off-centre cloud); coordinate j's
///                                     scale falls from 1 to 0.2
///     haar_rotation(rng, d)           a uniformly random rotation (det +1)
///     tilted_rotation(rng, d, t)      the orthogonal factor U·Vᵀ of I + t·G, near I
///     rotate(rng, x, q, noise, unit)  x·Qᵀ plus `noise`·N(0, 1) (no draw when 0),
///                                     rows made unit when `unit`
let rotatedPairs = """
  import numpy as np

  def cloud(rng, n, d, clusters):
      scale = 1 - 0.8 * np.arange(d) / (d - 1)
      centres = 2 * scale * rng.normal(size=(clusters, d))
      x = centres[rng.integers(0, clusters, n)] + scale * rng.normal(size=(n, d))
      return x / np.linalg.norm(x, axis=1, keepdims=True)

  def haar_rotation(rng, d):
      q, r = np.linalg.qr(rng.normal(size=(d, d)))
      q *= np.sign(np.diag(r))
      if np.linalg.det(q) < 0: q[:, 0] *= -1
      return q

  def tilted_rotation(rng, d, t):
      u, _, vt = np.linalg.svd(np.eye(d) + t * rng.normal(size=(d, d)))
      return u @ vt

  def rotate(rng, x, q, noise, unit=True):
      y = x @ q.T
      if noise: y = y + noise * rng.normal(size=x.shape)
      return y / np.linalg.norm(y, axis=1, keepdims=True) if unit else y

  """

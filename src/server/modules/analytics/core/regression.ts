/**
 * Ordinary least squares with an intercept, reporting what a reader needs to judge an effect:
 * the coefficient, its standardized size, its standard error, t, two-sided p and a confidence interval
 * from the t distribution with n − k − 1 degrees of freedom, plus R² and adjusted R².
 *
 * Numerics: the predictors are centred and scaled to unit sum of squares, so the normal equations are
 * the predictors' correlation matrix R. Its Cholesky factorisation tells rank deficiency directly: the
 * j-th pivot is 1 − R²(x_j on the earlier columns), so a pivot under `collinearityTolerance` means x_j
 * is (nearly) a linear combination of earlier columns, and the fit is refused instead of returning
 * meaningless numbers. Residuals are computed from the data in a second pass (not from 1 − R²), which
 * keeps the residual variance accurate for near-perfect fits. Cost: O(n·k²) time, O(k²) extra memory.
 *
 * Optionally (`clusters`), standard errors are cluster-robust (CR1) with G − 1 degrees of freedom.
 */
import { studentTQuantile, studentTTwoSidedP } from './student-t.js';

export interface OlsEstimate {
  beta: number;
  se: number;
  t: number;
  /** Two-sided p-value against β = 0. */
  p: number;
  ciLow: number;
  ciHigh: number;
}

export interface OlsCoefficient extends OlsEstimate {
  name: string;
  /** β × sd(x) / sd(y): the change in y, in standard deviations of y, per standard deviation of x. */
  standardized: number;
  /** Mean and standard deviation (n − 1) of the predictor, for rescaling and display. */
  mean: number;
  sd: number;
}

export interface OlsFit {
  /** Observations used. */
  n: number;
  /** Predictors (the intercept not counted). */
  k: number;
  /** Degrees of freedom of the t statistics: n − k − 1, or G − 1 with clustered errors. */
  df: number;
  /** 'classical' (i.i.d. errors) or 'clustered' (CR1, see OlsOptions.clusters). */
  errors: 'classical' | 'clustered';
  /** Number of clusters G with clustered errors. */
  clusters?: number;
  /** Level of the confidence intervals (0.95 unless asked otherwise). */
  confidence: number;
  intercept: OlsEstimate;
  coefficients: OlsCoefficient[];
  r2: number;
  adjR2: number;
  /** √(SSE / df). */
  residualSe: number;
  yMean: number;
  ySd: number;
}

export interface OlsInsufficient {
  insufficient: string;
  /** The predictor that made the design singular, when one is to blame. */
  column?: string;
}

export type OlsResult = OlsFit | OlsInsufficient;

export interface OlsOptions {
  /** Confidence level of the intervals, default 0.95. */
  confidence?: number;
  /** Smallest accepted 1 − R²(x_j on earlier columns); default 1e-9 (a variance inflation of 10⁹). */
  collinearityTolerance?: number;
  /**
   * Cluster of each observation (e.g. its session). When given, standard errors are cluster-robust
   * (CR1: the sandwich Σ_g (X_gᵀe_g)(X_gᵀe_g)ᵀ scaled by G/(G−1)·(n−1)/(n−k−1), as Stata's
   * `vce(cluster)`), with G − 1 degrees of freedom for t — honest when observations within a cluster
   * are correlated, such as minutes of one live session.
   */
  clusters?: readonly (string | number)[];
}

export function isInsufficient<T extends object>(r: T | OlsInsufficient): r is OlsInsufficient {
  return 'insufficient' in r;
}

/**
 * Fits y = b0 + Σ b_j·X[i][j] + e. `X` is row-major, n rows of k values (no intercept column: it is
 * added here); `names` names the k columns. Throws RangeError on mismatched shapes (a programming
 * error); returns `{ insufficient }` for data that cannot support the fit.
 */
export function ols(y: readonly number[], X: readonly (readonly number[])[], names: readonly string[], options: OlsOptions = {}): OlsResult {
  const n = y.length;
  const k = names.length;
  const confidence = options.confidence ?? 0.95;
  const tol = options.collinearityTolerance ?? 1e-9;
  if (X.length !== n) throw new RangeError(`ols: ${X.length} rows of X for ${n} values of y`);
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('ols: confidence must be in (0, 1)');
  for (let i = 0; i < n; i++) {
    const row = X[i]!;
    if (row.length !== k) throw new RangeError(`ols: row ${i} has ${row.length} values for ${k} names`);
    if (!Number.isFinite(y[i]!)) return { insufficient: `non-finite outcome at row ${i}` };
    for (let j = 0; j < k; j++) {
      if (!Number.isFinite(row[j]!)) return { insufficient: `non-finite value in column '${names[j]}' at row ${i}`, column: names[j]! };
    }
  }
  const residualDf = n - k - 1;
  if (residualDf < 1) return { insufficient: `too few observations: ${n} for ${k} predictors and an intercept` };
  let clusterIndex: Int32Array | null = null;
  let G = 0;
  if (options.clusters) {
    if (options.clusters.length !== n) throw new RangeError(`ols: ${options.clusters.length} cluster ids for ${n} rows`);
    const ids = new Map<string | number, number>();
    clusterIndex = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const id = options.clusters[i]!;
      let g = ids.get(id);
      if (g === undefined) ids.set(id, (g = ids.size));
      clusterIndex[i] = g;
    }
    G = ids.size;
    if (G < 2) return { insufficient: 'clustered errors need at least 2 clusters' };
  }
  const df = clusterIndex ? G - 1 : residualDf;

  // Means, then centred cross-products (two passes: no cancellation from raw sums of squares).
  const mx = new Float64Array(k);
  let my = 0;
  for (let i = 0; i < n; i++) {
    const row = X[i]!;
    my += y[i]!;
    for (let j = 0; j < k; j++) mx[j]! += row[j]!;
  }
  my /= n;
  for (let j = 0; j < k; j++) mx[j]! /= n;

  const S = new Float64Array(k * k); // centred X'X, upper triangle filled
  const Sy = new Float64Array(k); // centred X'y
  let Syy = 0;
  const d = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const row = X[i]!;
    const dy = y[i]! - my;
    Syy += dy * dy;
    for (let j = 0; j < k; j++) d[j] = row[j]! - mx[j]!;
    for (let j = 0; j < k; j++) {
      const dj = d[j]!;
      Sy[j]! += dj * dy;
      const base = j * k;
      for (let l = j; l < k; l++) S[base + l]! += dj * d[l]!;
    }
  }
  const ySd = Math.sqrt(Syy / (n - 1));
  if (!(ySd > 1e-12 * Math.max(1, Math.abs(my)))) return { insufficient: 'the outcome does not vary' };

  const scale = new Float64Array(k); // √S_jj
  for (let j = 0; j < k; j++) {
    const sjj = S[j * k + j]!;
    const sd = Math.sqrt(sjj / (n - 1));
    if (!(sd > 1e-12 * Math.max(1, Math.abs(mx[j]!)))) return { insufficient: `column '${names[j]}' does not vary`, column: names[j]! };
    scale[j] = Math.sqrt(sjj);
  }
  const sqrtSyy = Math.sqrt(Syy);

  // Correlation matrix R (full, symmetric) and the predictors' correlations with y.
  const R = new Float64Array(k * k);
  const ry = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    ry[j] = Sy[j]! / (scale[j]! * sqrtSyy);
    for (let l = j; l < k; l++) {
      const v = S[j * k + l]! / (scale[j]! * scale[l]!);
      R[j * k + l] = v;
      R[l * k + j] = v;
    }
  }

  // Cholesky R = L·Lᵀ; pivot j is 1 − R²(x_j | x_0..x_{j−1}).
  const L = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let s = R[j * k + j]!;
    for (let m = 0; m < j; m++) s -= L[j * k + m]! * L[j * k + m]!;
    if (!(s > tol)) {
      return { insufficient: `column '${names[j]}' is a linear combination of the columns before it (collinear)`, column: names[j]! };
    }
    const ljj = Math.sqrt(s);
    L[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let t = R[i * k + j]!;
      for (let m = 0; m < j; m++) t -= L[i * k + m]! * L[j * k + m]!;
      L[i * k + j] = t / ljj;
    }
  }

  // Rinv = L⁻ᵀ L⁻¹: invert L (lower triangular), then multiply.
  const Li = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    Li[j * k + j] = 1 / L[j * k + j]!;
    for (let i = j + 1; i < k; i++) {
      let s = 0;
      for (let m = j; m < i; m++) s -= L[i * k + m]! * Li[m * k + j]!;
      Li[i * k + j] = s / L[i * k + i]!;
    }
  }
  const Rinv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = i; j < k; j++) {
      let s = 0;
      for (let m = j; m < k; m++) s += Li[m * k + i]! * Li[m * k + j]!;
      Rinv[i * k + j] = s;
      Rinv[j * k + i] = s;
    }
  }

  // Standardized coefficients g = R⁻¹ r_y; β_j = g_j · √(Syy / S_jj).
  const g = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += Rinv[i * k + j]! * ry[j]!;
    g[i] = s;
  }
  const beta = new Float64Array(k);
  let b0 = my;
  for (let j = 0; j < k; j++) {
    beta[j] = (g[j]! * sqrtSyy) / scale[j]!;
    b0 -= beta[j]! * mx[j]!;
  }

  // Residual sum of squares from the data; with clusters, also each cluster's score U_gᵀe_g in the
  // scaled design U = [1/√n, (x_j − x̄_j)/√S_jj], whose Gram matrix is blockdiag(1, R).
  let sse = 0;
  const scores = clusterIndex ? new Float64Array(G * (k + 1)) : null;
  const invSqrtN = 1 / Math.sqrt(n);
  for (let i = 0; i < n; i++) {
    const row = X[i]!;
    let fit = b0;
    for (let j = 0; j < k; j++) fit += beta[j]! * row[j]!;
    const e = y[i]! - fit;
    sse += e * e;
    if (scores) {
      const off = clusterIndex![i]! * (k + 1);
      scores[off]! += e * invSqrtN;
      for (let j = 0; j < k; j++) scores[off + 1 + j]! += (e * (row[j]! - mx[j]!)) / scale[j]!;
    }
  }
  const s2 = sse / residualDf;
  const tCrit = studentTQuantile(1 - (1 - confidence) / 2, df);

  const estimate = (b: number, se: number): OlsEstimate => {
    let t: number;
    let p: number;
    if (se > 0) {
      t = b / se;
      p = studentTTwoSidedP(t, df);
    } else {
      // A perfect fit: no residual noise, so any non-zero coefficient is certain.
      t = b === 0 ? 0 : Math.sign(b) * Number.POSITIVE_INFINITY;
      p = b === 0 ? 1 : 0;
    }
    return { beta: b, se, t, p, ciLow: b - tCrit * se, ciHigh: b + tCrit * se };
  };

  // Covariance of γ = (√n·ȳ, √S_jj·β_j): classical s²·blockdiag(1, R⁻¹); clustered
  // c·blockdiag(1, R⁻¹)·M·blockdiag(1, R⁻¹) with M = Σ_g s_g s_gᵀ. Then β_j = γ_j/√S_jj and
  // b0 = γ_0/√n − Σ_j x̄_j γ_j/√S_jj.
  const K = k + 1;
  const V = new Float64Array(K * K);
  if (scores) {
    const Binv = new Float64Array(K * K);
    Binv[0] = 1;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) Binv[(i + 1) * K + (j + 1)] = Rinv[i * k + j]!;
    const M = new Float64Array(K * K);
    for (let g = 0; g < G; g++) {
      const off = g * K;
      for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) M[a * K + b]! += scores[off + a]! * scores[off + b]!;
    }
    const c = (G / (G - 1)) * ((n - 1) / residualDf);
    const T = new Float64Array(K * K); // Binv·M
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) {
      let sum = 0;
      for (let m = 0; m < K; m++) sum += Binv[a * K + m]! * M[m * K + b]!;
      T[a * K + b] = sum;
    }
    for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) {
      let sum = 0;
      for (let m = 0; m < K; m++) sum += T[a * K + m]! * Binv[m * K + b]!;
      V[a * K + b] = c * sum;
    }
  } else {
    V[0] = s2;
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) V[(i + 1) * K + (j + 1)] = s2 * Rinv[i * k + j]!;
  }

  const coefficients: OlsCoefficient[] = [];
  for (let j = 0; j < k; j++) {
    const se = Math.sqrt(Math.max(0, V[(j + 1) * K + (j + 1)]!)) / scale[j]!;
    coefficients.push({ name: names[j]!, ...estimate(beta[j]!, se), standardized: g[j]!, mean: mx[j]!, sd: scale[j]! / Math.sqrt(n - 1) });
  }
  const w = new Float64Array(K);
  w[0] = invSqrtN;
  for (let j = 0; j < k; j++) w[j + 1] = -mx[j]! / scale[j]!;
  let varB0 = 0;
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) varB0 += w[a]! * V[a * K + b]! * w[b]!;
  const intercept = estimate(b0, Math.sqrt(Math.max(0, varB0)));

  const r2 = 1 - sse / Syy;
  return {
    n,
    k,
    df,
    errors: clusterIndex ? 'clustered' : 'classical',
    ...(clusterIndex ? { clusters: G } : {}),
    confidence,
    intercept,
    coefficients,
    r2,
    adjR2: 1 - ((1 - r2) * (n - 1)) / residualDf,
    residualSe: Math.sqrt(s2),
    yMean: my,
    ySd,
  };
}

/**
 * The state encoder: a GRU over the user's recent history, in plain Float32Array loops with a
 * hand-written backward pass (backpropagation through time).
 *
 * Why not TF.js: the encoder is small (hidden 32, inputs ~40) and runs one short sequence per
 * request or per adapt; on wasm each op costs tens of microseconds of dispatch, far more than
 * the arithmetic, and per-request tensors are what leaks. Loops keep a request's state to a few
 * hundred microseconds and allocate no tensors. The gradient is checked against finite
 * differences in test/strategies/meta-rl-gradients.test.ts.
 *
 * Cell (PyTorch's variant, reset gate applied to the recurrent product):
 *   z = σ(x Wz + h Uz + bz), r = σ(x Wr + h Ur + br), n = tanh(x Wn + r ⊙ (h Un) + bn),
 *   h' = (1 − z) ⊙ n + z ⊙ h.
 * Weights are stored gate-major: W [inputs, 3H] and U [H, 3H] with columns (z | r | n), b [3H].
 */

export interface GruWeights {
  readonly inputs: number;
  readonly hidden: number;
  /** [inputs, 3·hidden]. */
  readonly w: Float32Array;
  /** [hidden, 3·hidden]. */
  readonly u: Float32Array;
  /** [3·hidden]. */
  readonly b: Float32Array;
}

/** What the backward pass needs from a forward pass over T steps. */
export interface GruTrace {
  readonly steps: number;
  /** [T, inputs] inputs. */
  readonly x: Float32Array;
  /** [T + 1, H]: states[0] is the initial (zero) state, states[t + 1] the state after step t. */
  readonly states: Float32Array;
  /** [T, H] each: gates and candidate, and the recurrent part of the candidate (h·Un). */
  readonly z: Float32Array;
  readonly r: Float32Array;
  readonly n: Float32Array;
  readonly hn: Float32Array;
}

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** Runs the GRU over `steps` inputs `x` [steps, inputs] from a zero state. */
export function gruForward(g: GruWeights, x: Float32Array, steps: number): GruTrace {
  const { inputs: I, hidden: H, w, u, b } = g;
  const G = 3 * H;
  const states = new Float32Array((steps + 1) * H);
  const z = new Float32Array(steps * H);
  const r = new Float32Array(steps * H);
  const n = new Float32Array(steps * H);
  const hn = new Float32Array(steps * H);
  const gx = new Float64Array(G);
  const gh = new Float64Array(G);
  for (let t = 0; t < steps; t++) {
    const xOff = t * I;
    const hOff = t * H;
    for (let j = 0; j < G; j++) {
      gx[j] = b[j]!;
      gh[j] = 0;
    }
    for (let i = 0; i < I; i++) {
      const xi = x[xOff + i]!;
      if (xi === 0) continue;
      const row = i * G;
      for (let j = 0; j < G; j++) gx[j]! += xi * w[row + j]!;
    }
    for (let i = 0; i < H; i++) {
      const hi = states[hOff + i]!;
      if (hi === 0) continue;
      const row = i * G;
      for (let j = 0; j < G; j++) gh[j]! += hi * u[row + j]!;
    }
    const o = t * H;
    for (let j = 0; j < H; j++) {
      const zj = sigmoid(gx[j]! + gh[j]!);
      const rj = sigmoid(gx[H + j]! + gh[H + j]!);
      const nj = Math.tanh(gx[2 * H + j]! + rj * gh[2 * H + j]!);
      z[o + j] = zj;
      r[o + j] = rj;
      n[o + j] = nj;
      hn[o + j] = gh[2 * H + j]!;
      states[hOff + H + j] = (1 - zj) * nj + zj * states[hOff + j]!;
    }
  }
  return { steps, x, states, z, r, n, hn };
}

/** Gradients of the GRU's weights, shaped like them. */
export interface GruGradients {
  readonly w: Float32Array;
  readonly u: Float32Array;
  readonly b: Float32Array;
}

export function zeroGruGradients(g: GruWeights): GruGradients {
  return { w: new Float32Array(g.w.length), u: new Float32Array(g.u.length), b: new Float32Array(g.b.length) };
}

/**
 * Backpropagation through time: `dStates` [T + 1, H] is the loss's gradient with respect to
 * each state (row 0, the fixed initial state, is ignored); adds the weights' gradients to `into`.
 */
export function gruBackward(g: GruWeights, trace: GruTrace, dStates: Float32Array, into: GruGradients): void {
  const { inputs: I, hidden: H, u } = g;
  const G = 3 * H;
  const { steps, x, states, z, r, n, hn } = trace;
  const dh = new Float64Array(H);
  const dg = new Float64Array(G); // pre-activation gradients, input side (z | r | n)
  const dgh = new Float64Array(G); // pre-activation gradients, recurrent side
  for (let t = steps - 1; t >= 0; t--) {
    const o = t * H;
    const hPrev = t * H;
    for (let j = 0; j < H; j++) dh[j]! += dStates[(t + 1) * H + j]!;
    for (let j = 0; j < H; j++) {
      const zj = z[o + j]!;
      const rj = r[o + j]!;
      const nj = n[o + j]!;
      const d = dh[j]!;
      const dn = d * (1 - zj);
      const dz = d * (states[hPrev + j]! - nj);
      const dan = dn * (1 - nj * nj);
      dg[j] = dz * zj * (1 - zj);
      dg[H + j] = dan * hn[o + j]! * rj * (1 - rj);
      dg[2 * H + j] = dan;
      dgh[j] = dg[j]!;
      dgh[H + j] = dg[H + j]!;
      dgh[2 * H + j] = dan * rj;
      dh[j] = d * zj; // the direct path h -> h'
    }
    const xOff = t * I;
    for (let i = 0; i < I; i++) {
      const xi = x[xOff + i]!;
      if (xi === 0) continue;
      const row = i * G;
      for (let j = 0; j < G; j++) into.w[row + j]! += xi * dg[j]!;
    }
    for (let j = 0; j < G; j++) into.b[j]! += dg[j]!;
    for (let i = 0; i < H; i++) {
      const hi = states[hPrev + i]!;
      const row = i * G;
      let back = 0;
      for (let j = 0; j < G; j++) {
        into.u[row + j]! += hi * dgh[j]!;
        back += u[row + j]! * dgh[j]!;
      }
      dh[i]! += back;
    }
  }
}

/**
 * Dense Adam over named Float32Arrays, with the gradient's global norm clipped first (a batch
 * of long timelines with large returns must not throw the weights far in one step).
 */
export class DenseAdam<N extends string> {
  private readonly m = new Map<N, Float32Array>();
  private readonly v = new Map<N, Float32Array>();
  private step = 0;

  constructor(
    private readonly learningRate: number,
    private readonly clipNorm = 5,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-8,
  ) {}

  /** One step: weights[name] -= Adam(gradients[name]) for every name of `gradients`. */
  apply(weights: Record<N, Float32Array>, gradients: Record<N, Float32Array>): void {
    this.step++;
    let squared = 0;
    for (const name of Object.keys(gradients) as N[]) for (const g of gradients[name]) squared += g * g;
    const norm = Math.sqrt(squared);
    const scale = norm > this.clipNorm ? this.clipNorm / norm : 1;
    const correction = Math.sqrt(1 - this.beta2 ** this.step) / (1 - this.beta1 ** this.step);
    const stepSize = this.learningRate * correction;
    for (const name of Object.keys(gradients) as N[]) {
      const g = gradients[name];
      const w = weights[name];
      let m = this.m.get(name);
      let v = this.v.get(name);
      if (!m || !v) {
        m = new Float32Array(g.length);
        v = new Float32Array(g.length);
        this.m.set(name, m);
        this.v.set(name, v);
      }
      for (let i = 0; i < g.length; i++) {
        const gi = g[i]! * scale;
        if (gi === 0 && m[i] === 0) continue; // rows no batch has touched yet stay as they are
        m[i] = this.beta1 * m[i]! + (1 - this.beta1) * gi;
        v[i] = this.beta2 * v[i]! + (1 - this.beta2) * gi * gi;
        w[i]! -= (stepSize * m[i]!) / (Math.sqrt(v[i]!) + this.epsilon);
      }
    }
  }
}

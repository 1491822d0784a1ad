/** The few WebAssembly APIs the engine uses: TypeScript's lib without DOM does not declare them. */
export interface WasmModule {
  readonly __wasmModule?: never;
}
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
export interface WasmInstance {
  readonly exports: Record<string, unknown>;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<WasmInstance>;
}

export const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

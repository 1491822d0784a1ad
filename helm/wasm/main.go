// Command helm-wasm is trueup's Helm engine: the steps `helm template` takes (chart loading,
// dependencies, values, schema, the template engine, the manifest sorter), built as a WASI
// reactor (GOOS=wasip1, -buildmode=c-shared) so Node loads it once and calls it per render.
//
// The calling convention is a byte buffer in, a byte buffer out, both JSON:
//
//	p := trueup_alloc(n)        // Go allocates n bytes and keeps them alive
//	(host writes the request at p)
//	r := trueup_render(p, n)    // returns (outPtr << 32) | outLen; frees the request
//	(host reads the response at outPtr)
//	trueup_free(outPtr)
//
// trueup_template has the same convention: Go templates (text/template + sprig) outside charts.
// After each call's answer the host calls trueup_collect (garbage collection off the call's time).
//
// Go's garbage collector does not move objects, so a pointer stays valid while the slice is
// referenced from `pinned`. The module has no preopened directories and no sockets: every byte
// a chart needs comes in the request.
package main

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"unsafe"
)

// pinned keeps host-visible buffers reachable until the host frees them.
var pinned = map[uint32][]byte{}

func keep(b []byte) uint32 {
	if len(b) == 0 {
		b = make([]byte, 1)
	}
	p := uint32(uintptr(unsafe.Pointer(&b[0])))
	pinned[p] = b
	return p
}

//go:wasmexport trueup_alloc
func trueupAlloc(size uint32) uint32 {
	return keep(make([]byte, size))
}

//go:wasmexport trueup_free
func trueupFree(p uint32) {
	delete(pinned, p)
}

//go:wasmexport trueup_render
func trueupRender(p, n uint32) uint64 {
	in, ok := pinned[p]
	if !ok || uint32(len(in)) < n {
		return respond(failure(codeBadRequest, "request buffer was not allocated by trueup_alloc"))
	}
	delete(pinned, p)
	return respond(handle(in[:n]))
}

//go:wasmexport trueup_template
func trueupTemplate(p, n uint32) uint64 {
	in, ok := pinned[p]
	if !ok || uint32(len(in)) < n {
		return respond(failure(codeBadRequest, "request buffer was not allocated by trueup_alloc"))
	}
	delete(pinned, p)
	return respond(handleTemplates(in[:n]))
}

// trueup_collect runs a full collection when the calls since the last one allocated enough to
// be worth it. The host calls it after it has sent a call's answer, so no render waits for it:
// by then that render's garbage is all dead, the cycle marks only what the engine keeps between
// calls (a few MB), and the next render starts on a clean heap.
//
//go:wasmexport trueup_collect
func trueupCollect() {
	sample := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(sample)
	if allocs := sample[0].Value.Uint64(); allocs-allocsAtCollect >= collectAfterBytes {
		runtime.GC()
		allocsAtCollect = allocs
	}
}

//go:wasmexport trueup_info
func trueupInfo() uint64 {
	return respond(engineInfo())
}

func respond(v any) uint64 {
	out, err := json.Marshal(v)
	if err != nil {
		out, _ = json.Marshal(failure(codeInternal, "encoding the response: "+err.Error()))
	}
	p := keep(out)
	return uint64(p)<<32 | uint64(len(out))
}

// handle decodes one request and renders it; a panic anywhere in Helm becomes an error
// response instead of killing the module (the host keeps the instance).
func handle(in []byte) (out any) {
	defer func() {
		if r := recover(); r != nil {
			out = failure(codeInternal, fmt.Sprintf("panic: %v\n%s", r, debug.Stack()))
		}
	}()
	var req request
	if err := json.Unmarshal(in, &req); err != nil {
		return failure(codeBadRequest, "decoding the request: "+err.Error())
	}
	res, err := renderChart(&req)
	if err != nil {
		return err
	}
	return res
}

// handleTemplates decodes one template request and evaluates its items.
func handleTemplates(in []byte) (out any) {
	defer func() {
		if r := recover(); r != nil {
			out = failure(codeInternal, fmt.Sprintf("panic: %v\n%s", r, debug.Stack()))
		}
	}()
	var req templateRequest
	if err := json.Unmarshal(in, &req); err != nil {
		return failure(codeBadRequest, "decoding the request: "+err.Error())
	}
	return evaluateTemplates(&req)
}

// Go's collector runs in WebAssembly on the one thread there is, inside the call that allocates:
// with the default GOGC=100 and the few MB the engine keeps between renders, a render paid one
// or two full cycles in the middle of its work (marking its own live data, with write barriers on
// while they ran). So the collector is off during calls and runs after each (trueup_collect),
// when only the engine's own data is alive. The memory limit bounds a render that allocates
// a lot: past it the collector runs during the render as usual (Go's limiter caps it at half
// the CPU if live data ever nears the limit). WebAssembly memory never shrinks, so the limit
// is also what the module can keep after a big chart; it stays under the host's default
// recycle bound (1 GiB, src/helm/engine.ts). Measured in bench/helm/run.ts: see
// bench/RESULTS.md, section Helm.
const (
	memoryLimit       = 256 << 20
	collectAfterBytes = 4 << 20
)

// allocsAtCollect is the cumulative heap allocation at the last collection trueup_collect ran.
var allocsAtCollect uint64

func init() {
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(memoryLimit)
}

func main() {}

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
//
// Go's garbage collector does not move objects, so a pointer stays valid while the slice is
// referenced from `pinned`. The module has no preopened directories and no sockets: every byte
// a chart needs comes in the request.
package main

import (
	"encoding/json"
	"fmt"
	"runtime/debug"
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

func main() {}

// Command oracle answers expr-lang conditions the way Argo Rollouts compiles them:
// expr.Compile(condition, expr.Env(env)) then expr.Run(program, env), where env holds `result`
// and Argo's six helper functions. It reads one JSON case per line on stdin and writes one JSON
// answer per line on stdout. See README.md.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	_ "time/tzdata" // date(..., "Europe/Berlin") must not depend on the machine's zoneinfo

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
)

// Case is one condition and the result it is evaluated against.
type Case struct {
	ID     string `json:"id"`
	Expr   string `json:"expr"`
	Result Input  `json:"result"`
}

// Input describes `result` as a provider hands it to Argo: a Prometheus scalar (float64) or
// vector ([]float64), a web provider's decoded JSON (any) or raw text (string), or nil.
type Input struct {
	Kind  string          `json:"kind"`
	Value json.RawMessage `json:"value,omitempty"`
}

// Answer is what expr says: a compile error, a run error, or a value with its Go type.
type Answer struct {
	ID      string  `json:"id"`
	Phase   string  `json:"phase"`
	Message string  `json:"message,omitempty"`
	Type    string  `json:"type,omitempty"`
	Value   *string `json:"value,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for in.Scan() {
		var c Case
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			fmt.Fprintln(os.Stderr, "bad case:", err)
			os.Exit(2)
		}
		result, err := decode(c.Result)
		if err != nil {
			fmt.Fprintln(os.Stderr, "bad result in", c.ID, err)
			os.Exit(2)
		}
		a := answer(c.Expr, result)
		a.ID = c.ID
		if err := enc.Encode(a); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func float(raw json.RawMessage) (float64, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strconv.ParseFloat(s, 64) // "NaN", "+Inf", "-Inf"
	}
	var f float64
	err := json.Unmarshal(raw, &f)
	return f, err
}

func decode(in Input) (any, error) {
	switch in.Kind {
	case "nil":
		return nil, nil
	case "float64":
		return float(in.Value)
	case "[]float64":
		var items []json.RawMessage
		if err := json.Unmarshal(in.Value, &items); err != nil {
			return nil, err
		}
		out := make([]float64, 0, len(items))
		for _, item := range items {
			f, err := float(item)
			if err != nil {
				return nil, err
			}
			out = append(out, f)
		}
		return out, nil
	case "string":
		var s string
		err := json.Unmarshal(in.Value, &s)
		return s, err
	case "json":
		// The web provider's body, decoded as Argo decodes it (numbers become float64).
		var text string
		if err := json.Unmarshal(in.Value, &text); err != nil {
			return nil, err
		}
		var v any
		err := json.Unmarshal([]byte(text), &v)
		return v, err
	}
	return nil, fmt.Errorf("unknown result kind %q", in.Kind)
}

// The environment of Argo's EvalCondition (utils/evaluate/evaluate.go), with the same function
// signatures, so the checker sees the same types.
func environment(result any) map[string]any {
	return map[string]any{
		"result":  result,
		"asInt":   asInt,
		"asFloat": asFloat,
		"isNaN":   math.IsNaN,
		"isInf":   func(f float64) bool { return math.IsInf(f, 0) },
		"isNil":   func(_ any) bool { return isNil(result) },
		"default": func(_ any, fallback any) any {
			if isNil(result) {
				return fallback
			}
			return result
		},
	}
}

func asInt(in any) int64 {
	switch v := in.(type) {
	case float64:
		return int64(v)
	case float32:
		return int64(v)
	case int64:
		return v
	case int32:
		return int64(v)
	case int16:
		return int64(v)
	case int8:
		return int64(v)
	case int:
		return int64(v)
	case uint64:
		return int64(v)
	case uint32:
		return int64(v)
	case uint16:
		return int64(v)
	case uint8:
		return int64(v)
	case uint:
		return int64(v)
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			panic(err)
		}
		return n
	}
	panic(fmt.Sprintf("asInt() not supported on %v %v", reflect.TypeOf(in), in))
}

func asFloat(in any) float64 {
	switch v := in.(type) {
	case float64:
		return v
	case float32:
		return float64(v)
	case int64:
		return float64(v)
	case int32:
		return float64(v)
	case int16:
		return float64(v)
	case int8:
		return float64(v)
	case int:
		return float64(v)
	case uint64:
		return float64(v)
	case uint32:
		return float64(v)
	case uint16:
		return float64(v)
	case uint8:
		return float64(v)
	case uint:
		return float64(v)
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			panic(err)
		}
		return f
	}
	panic(fmt.Sprintf("asFloat() not supported on %v %v", reflect.TypeOf(in), in))
}

func isNil(in any) bool {
	if in == nil {
		return true
	}
	switch reflect.TypeOf(in).Kind() {
	case reflect.Ptr, reflect.Map, reflect.Array, reflect.Chan, reflect.Slice:
		return reflect.ValueOf(in).IsNil()
	}
	return false
}

// message is what Argo shows: the bare message of expr's *file.Error, without position.
func message(err error) string {
	var fe *file.Error
	if errors.As(err, &fe) {
		return fe.Message
	}
	return err.Error()
}

func answer(condition string, result any) (a Answer) {
	defer func() {
		if r := recover(); r != nil {
			a = Answer{Phase: "panic", Message: fmt.Sprint(r)}
		}
	}()
	env := environment(result)
	program, err := expr.Compile(condition, expr.Env(env))
	if err != nil {
		return Answer{Phase: "compile", Message: message(err)}
	}
	out, err := expr.Run(program, env)
	if err != nil {
		return Answer{Phase: "run", Message: message(err)}
	}
	value := format(out)
	return Answer{Phase: "value", Type: fmt.Sprintf("%T", out), Value: &value}
}

// format is fmt's %v, except that functions (whose %v is an address) print as "func".
func format(v any) string {
	if v != nil && strings.Contains(reflect.TypeOf(v).String(), "func") {
		return "func"
	}
	return fmt.Sprintf("%v", v)
}

/**
 * A corpus of Go text/template behaviour (facts from the text/template
 * documentation and Go's own test tables, cases written here), run against
 * hgw's interpreter.
 */
import { describe, expect, it } from 'vitest';
import { render, renderError } from './render-helper.js';

describe('text and actions', () => {
  it.each([
    ['plain text', 'hello', {}, 'hello'],
    ['dot', '{{.}}', 'x', 'x'],
    ['a field of a map', '{{.name}}!', { name: 'api' }, 'api!'],
    ['nested fields', '{{.a.b.c}}', { a: { b: { c: 7 } } }, '7'],
    ['a missing key prints <no value>', '{{.nope}}', {}, '<no value>'],
    ['a missing key stays missing down a chain', '{{.nope.deeper}}', {}, '<no value>'],
    ['a JSON null prints <no value>', '{{.n}}', { n: null }, '<no value>'],
    ['a map prints in key order', '{{.}}', { b: 1, a: [1, 'x', null] }, 'map[a:[1 x <nil>] b:1]'],
    ['booleans', '{{true}} {{false}}', {}, 'true false'],
    ['integers in every base and with separators', "{{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}} {{'a'}}", {}, '31 15 15 5 1000 97'],
    ['floats as %v prints them', '{{1.5}} {{1e21}} {{0.00001}} {{3.0}} {{.port}}', { port: 8080 }, '1.5 1e+21 1e-05 3 8080'],
    ['a negative number right after the delimiter', '{{-3}}', {}, '-3'],
    ['interpreted strings with Go escapes', '{{"a\\tb\\x41\\u00e9\\101"}}', {}, 'a\tbAéA'],
    ['raw strings keep backslashes', '{{`a\\n`}}', {}, 'a\\n'],
    ['actions may span lines', '{{ printf "%s"\n  "x" }}', {}, 'x'],
  ])('%s', (_name, text, data, want) => {
    expect(render(text, data)).toBe(want);
  });
});

describe('whitespace trimming and comments', () => {
  it.each([
    ['trims both sides (the documented example)', '{{23 -}} < {{- 45}}', '23<45'],
    ['trims newlines and tabs too', 'a  \n\t{{- "b" -}}\n\n  c', 'abc'],
    ['a comment outputs nothing', 'a{{/* note */}}b', 'ab'],
    ['a trimmed comment', 'a \n {{- /* note */ -}} \n b', 'ab'],
    ['a multi-line comment', 'a{{/* one\ntwo */}}b', 'ab'],
    ['no trim without the space', '{{3}}-{{4}}', '3-4'],
  ])('%s', (_name, text, want) => {
    expect(render(text)).toBe(want);
  });
});

describe('pipelines, variables and functions', () => {
  it.each([
    ['the previous result is the last argument', '{{"a" | printf "%s-%s" "b"}}', {}, 'b-a'],
    ['a chain of three', '{{"x" | upper | printf "<%s>"}}', {}, '<X>'],
    ['parentheses', '{{printf "%d" (add 1 2)}}', {}, '3'],
    ['a field of a parenthesized pipeline', '{{(index .list 0).name}}', { list: [{ name: 'n' }] }, 'n'],
    ['declare and use', '{{$x := "v"}}{{$x}}', {}, 'v'],
    ['assign in an inner scope changes the outer variable', '{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}', {}, '2'],
    ['a declaration prints nothing', '[{{$x := 5}}]', {}, '[]'],
    ['$ is the data wherever dot moved', '{{with .a}}{{$.top}}{{end}}', { a: 1, top: 'T' }, 'T'],
    ['nil as an argument', '{{printf "%v" nil}} {{eq nil .missing}}', {}, '<nil> true'],
    ['with declares a variable', '{{with $x := .a}}{{$x}}{{end}}', { a: 'A' }, 'A'],
    ['a variable shadowed in a range is restored after it', '{{$v := "outer"}}{{range $v := .l}}{{$v}}{{end}}{{$v}}', { l: [1, 2] }, '12outer'],
    ['a template defined after its call', '{{template "later" .}}{{define "later"}}L{{.}}{{end}}', 1, 'L1'],
    ['variable fields', '{{$m := .m}}{{$m.k}}', { m: { k: 'K' } }, 'K'],
    ['and returns the first false argument, or the last', '{{and 1 0 2}} {{and 1 2}}', {}, '0 2'],
    ['or returns the first true argument, or the last', '{{or 0 "" "x"}} {{or 0 ""}}', {}, 'x '],
    ['and short-circuits', '{{and 0 (fail "not evaluated")}}', {}, '0'],
    ['or short-circuits', '{{or 1 (fail "not evaluated")}}', {}, '1'],
    ['not', '{{not 0}} {{not "x"}}', {}, 'true false'],
    ['len counts bytes of a string, elements, keys', '{{len "héllo"}} {{len .l}} {{len .m}}', { l: [1, 2], m: { a: 1 } }, '6 2 1'],
    ['index of maps and slices, nested', '{{index .m "k"}} {{index .l 1}} {{index .n 0 "x"}}', { m: { k: 'v' }, l: ['a', 'b'], n: [{ x: 'y' }] }, 'v b y'],
    ['index of a missing key is no value', '{{index .m "zz"}}', { m: {} }, '<no value>'],
    ['slice', '{{slice "abcdef" 1 3}} {{slice .l 1}}', { l: [1, 2, 3] }, 'bc [2 3]'],
    ['eq with several candidates', '{{eq 2 1 2}} {{eq "a" "b"}} {{ne 1 2}}', {}, 'true false true'],
    ['ordering of numbers and strings', '{{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', {}, 'true true true false'],
    ['print adds spaces between non-strings only', '{{print 1 2}} {{print "a" 1 "b"}}', {}, '1 2 a1b'],
    ['println always separates and ends the line', '{{println "a" 1}}', {}, 'a 1\n'],
    ['html escapes', `{{html "<a href='x'>&\\""}}`, {}, '&lt;a href=&#39;x&#39;&gt;&amp;&#34;'],
    ['js escapes', `{{js "a'b\\"<=>&\\\\"}}`, {}, "a\\'b\\\"\\u003C\\u003D\\u003E\\u0026\\\\"],
    ['urlquery escapes', '{{urlquery "a b&c=d/é"}}', {}, 'a+b%26c%3Dd%2F%C3%A9'],
  ])('%s', (_name, text, data, want) => {
    expect(render(text, data)).toBe(want);
  });
});

describe('numbers: settings are float64, literals and integer math are int', () => {
  it.each([
    ['a float64 of a million or more prints in exponent form (the Helm/KrakenD 1e+06)', '{{.big}} {{1e6}} {{1000000}} {{add .big 0}} {{.port}} {{123456.5}}', '1e+06 1e+06 1000000 1000000 8080 123456.5'],
    ['marshal writes it as encoding/json does', '{{marshal .big}} {{toJson .ratio}}', '1000000 0.25'],
    ['type names', '{{typeOf .port}} {{typeOf 8080}} {{typeOf 1.5}} {{typeOf (len .l)}} {{typeOf (addf 1 2)}}', 'float64 int float64 int float64'],
    ['printf %d refuses a float64 as Go does', '{{printf "%d|%v|%.0f" .port .port .port}}', '%!d(float64=8080)|8080|8080'],
    ['eq between two float64s or two ints', '{{eq .port 8080.0}} {{eq (int .port) 8080}}', 'true true'],
  ])('%s', (_name, text, want) => {
    expect(render(text, { big: 1000000, port: 8080, ratio: 0.25, l: [1] })).toBe(want);
  });

  it('comparing a float64 with an int is an error, as in Go', () => {
    expect(renderError('{{ eq .port 8080 }}', { port: 8080 })).toBe('t.tmpl:1:4: executing "t.tmpl" at <eq .port 8080>: error calling eq: incompatible types for comparison');
  });
  it('a float64 where a function takes an int is an error, as in Go', () => {
    expect(renderError('{{ range until .n }}{{ end }}', { n: 3 })).toBe('t.tmpl:1:10: executing "t.tmpl" at <until .n>: wrong type for value; expected int; got float64');
    expect(render('{{ range until (int .n) }}{{ . }}{{ end }}', { n: 3 })).toBe('012');
  });
});

describe('printf', () => {
  it.each([
    ['%d %s %v %t', '{{printf "%d %s %v %t" 3 "s" .l true}}', '3 s [1 2] true'],
    ['width, flags and precision', '{{printf "[%5d|%-5s|%05.2f|%+d|%x|%X|%o|%b]" 42 "ab" 3.14159 5 255 255 8 5}}', '[   42|ab   |03.14|+5|ff|FF|10|101]'],
    ['%q and %#x', '{{printf "%q %#x" "a\\"b" 255}}', '"a\\"b" 0xff'],
    ['%e and %g', '{{printf "%e %g %.3g" 1234.5678 0.000012 1234.5678}}', '1.234568e+03 1.2e-05 1.23e+03'],
    ['%T', '{{printf "%T %T %T %T" "s" 1 .l .m}}', 'string int []interface {} map[string]interface {}'],
    ['%%', '{{printf "100%%"}}', '100%'],
    ['a verb of the wrong type', '{{printf "%d" "x"}}', '%!d(string=x)'],
    ['a missing argument', '{{printf "%s %s" "a"}}', 'a %!s(MISSING)'],
    ['an extra argument', '{{printf "%s" "a" 2}}', 'a%!(EXTRA int=2)'],
    ['* width', '{{printf "%*d" 4 7}}', '   7'],
  ])('%s', (_name, text, want) => {
    expect(render(text, { l: [1, 2], m: { a: 1 } })).toBe(want);
  });
});

describe('control structures', () => {
  it.each([
    ['if / else if / else', '{{if .a}}A{{else if .b}}B{{else}}C{{end}}', { b: 1 }, 'B'],
    ['if on empty values is false', '{{if .s}}y{{else}}n{{end}}{{if .l}}y{{else}}n{{end}}{{if .m}}y{{else}}n{{end}}{{if 0}}y{{else}}n{{end}}', { s: '', l: [], m: {} }, 'nnnn'],
    ['with moves dot', '{{with .a}}{{.b}}{{end}}', { a: { b: 'B' } }, 'B'],
    ['with else', '{{with .z}}x{{else}}none{{end}}', {}, 'none'],
    ['else with', '{{with .z}}x{{else with .a}}{{.}}{{end}}', { a: 'A' }, 'A'],
    ['a variable declared in if is visible in its else', '{{if $v := .x}}{{$v}}{{else}}[{{$v}}]{{end}}', { x: 0 }, '[0]'],
    ['range over a slice', '{{range .l}}<{{.}}>{{end}}', { l: ['a', 'b'] }, '<a><b>'],
    ['range with index and element', '{{range $i, $e := .l}}{{$i}}={{$e}};{{end}}', { l: ['a', 'b'] }, '0=a;1=b;'],
    ['range with one variable takes the element', '{{range $e := .l}}{{$e}}{{end}}', { l: ['a', 'b'] }, 'ab'],
    ['range over a map in key order', '{{range $k, $v := .m}}{{$k}}:{{$v}} {{end}}', { m: { z: 1, a: 2, m: 3 } }, 'a:2 m:3 z:1 '],
    ['range else on empty', '{{range .l}}x{{else}}empty{{end}}', { l: [] }, 'empty'],
    ['range over nothing runs else', '{{range .missing}}x{{else}}empty{{end}}', {}, 'empty'],
    ['range over an integer', '{{range 3}}{{.}}{{end}}', {}, '012'],
    ['break and continue', '{{range .l}}{{if eq . 2.0}}{{continue}}{{end}}{{if eq . 4.0}}{{break}}{{end}}{{.}}{{end}}', { l: [1, 2, 3, 4, 5] }, '13'],
    ['the comma idiom for JSON lists', '[{{range $i, $e := .l}}{{if $i}},{{end}}"{{$e}}"{{end}}]', { l: ['a', 'b', 'c'] }, '["a","b","c"]'],
  ])('%s', (_name, text, data, want) => {
    expect(render(text, data)).toBe(want);
  });
});

describe('define, template, block', () => {
  it('calls a defined template with a pipeline as its dot', () => {
    expect(render('{{define "T"}}Hi {{.}}{{end}}{{template "T" "x"}}/{{template "T" .n}}', { n: 'y' })).toBe('Hi x/Hi y');
  });
  it('a template called without a pipeline gets no data', () => {
    expect(render('{{define "T"}}[{{.}}]{{end}}{{template "T"}}', { a: 1 })).toBe('[<no value>]');
  });
  it('calls a template from another file by its name', () => {
    expect(render('{{template "ep.tmpl" .}}', { e: '/a' }, { templates: { 'ep.tmpl': '"{{.e}}"' } })).toBe('"/a"');
  });
  it('a block renders its body by default and can be overridden by a later define', () => {
    expect(render('<{{block "B" .}}default {{.}}{{end}}>', 'd')).toBe('<default d>');
    expect(render('<{{block "B" .}}default{{end}}>', 'd', { templates: { 'o.tmpl': '{{define "B"}}override {{.}}{{end}}' } })).toBe('<override d>');
  });
  it('templates may recurse', () => {
    const t = '{{define "down"}}{{.}}{{if gt . 0}},{{template "down" (sub . 1)}}{{end}}{{end}}{{template "down" 3}}';
    expect(render(t)).toBe('3,2,1,0');
  });
});

describe('Sprig and KrakenD functions', () => {
  it.each([
    ['strings', '{{upper "a"}} {{lower "B"}} {{trim "  x  "}} {{replace "a" "b" "aaa"}} {{title "hello world"}} {{repeat 3 "ab"}}', 'A b x bbb Hello World ababab'],
    ['title as strings.Title: every ASCII non-alphanumeric separates words', '{{title "don\'t stop-me_now"}}', "Don'T Stop-Me_now"],
    ['prefixes and searching', '{{trimPrefix "/" "/api"}} {{trimSuffix ".json" "a.json"}} {{contains "pi" "api"}} {{hasPrefix "a" "api"}} {{hasSuffix "i" "api"}}', 'api a true true true'],
    ['split, splitList, join', '{{$p := split "," "a,b"}}{{$p._1}} {{join "-" (splitList "," "x,y,z")}}', 'b x-y-z'],
    ['quote and squote', '{{quote "a\\"b" 1}} {{squote "c"}}', '"a\\"b" "1" \'c\''],
    ['indent and nindent', '{{indent 2 "a\\nb"}}|{{nindent 2 "c"}}', '  a\n  b|\n  c'],
    ['default, empty, coalesce, ternary', '{{default "d" .missing}} {{default "d" "v"}} {{empty ""}} {{empty .l}} {{coalesce 0 "" "c"}} {{ternary "y" "n" true}}', 'd v true false c y'],
    ['integer math', '{{add 1 2 3}} {{sub 5 7}} {{mul 2 3 4}} {{div 7 2}} {{mod 7 3}} {{add1 9}} {{max 3 9 2}} {{min 3 9 2}}', '6 -2 24 3 1 10 9 2'],
    ['math on JSON numbers and strings', '{{add .n "2"}} {{div .n 3}}', '12 3'],
    ['strings to ints as spf13/cast reads them (base prefixes, leading-0 octal)', '{{int "0x10"}} {{int "010"}} {{int "08"}} {{int "x"}} {{atoi "08"}} {{int 2.9}}', '16 8 0 0 8 2'],
    ['float math', '{{addf 1.5 2}} {{mulf 1.5 2}} {{divf 1 4}} {{floor 1.7}} {{ceil 1.2}} {{round 1.256 2}}', '3.5 3 0.25 1 2 1.26'],
    ['until and list', '{{range until 3}}{{.}}{{end}} {{list 1 "a" 2}} {{len (list)}}', '012 [1 a 2] 0'],
    ['lists', '{{first .l}} {{last .l}} {{rest .l}} {{initial .l}} {{append .l 4}} {{prepend .l 0}} {{reverse .l}} {{uniq (list 1 1 2)}} {{has 2.0 .l}} {{has 2 .l}} {{without .l 2.0}}', '1 3 [2 3] [1 2] [1 2 3 4] [0 1 2 3] [3 2 1] [1 2] true false [1 3]'],
    ['dicts', '{{$d := dict "b" 2 "a" 1}}{{$d}} {{hasKey $d "a"}} {{keys $d}} {{get $d "b"}} {{$_ := set $d "c" 3}}{{$d.c}} {{pick $d "a"}} {{omit $d "a" "b"}}', 'map[a:1 b:2] true [a b] 2 3 map[a:1] map[c:3]'],
    ['merge keeps the destination, mergeOverwrite the source', '{{merge (dict "a" 1) (dict "a" 2 "b" 3)}} {{mergeOverwrite (dict "a" 1) (dict "a" 2)}}', 'map[a:1 b:3] map[a:2]'],
    ['dig', '{{dig "a" "b" "none" .deep}} {{dig "a" "x" "none" .deep}}', 'B none'],
    ['base64', '{{b64enc "hgw:1"}} {{b64dec "aGd3OjE="}}', 'aGd3OjE= hgw:1'],
    ['toJson is Go\'s Marshal: sorted keys, HTML escaped', '{{toJson .m}} {{toJson "<a&b>"}} {{toRawJson "<a>"}}', '{"a":[1,"x"],"b":{"c":true}} "\\u003ca\\u0026b\\u003e" "<a>"'],
    ['toPrettyJson', '{{toPrettyJson (dict "a" (list 1))}}', '{\n  "a": [\n    1\n  ]\n}'],
    ['marshal writes floats as Go\'s encoding/json', '{{marshal .f}}', '[1.5,1e-7,0.000001,1e+21,100000000000000000000]'],
    ['marshal (KrakenD)', '{{marshal .m}} {{marshal .l}} {{marshal "s"}}', '{"a":[1,"x"],"b":{"c":true}} [1,2,3] "s"'],
    ['regular expressions (RE2)', '{{regexMatch "^a.c$" "abc"}} {{regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W"}} {{regexFindAll "[0-9]+" "a1b22c333" -1}}', 'true -W-xxW- [1 22 333]'],
    ['hashes', '{{sha256sum "a"}}', 'ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb'],
    ['case changes', '{{snakecase "FirstName"}} {{kebabcase "FirstName"}} {{camelcase "first_name"}}', 'first_name first-name FirstName'],
    ['type reflection', '{{typeOf "a"}} {{kindOf .l}} {{kindIs "map" .m}}', 'string slice true'],
  ])('%s', (_name, text, want) => {
    expect(render(text, { l: [1, 2, 3], m: { b: { c: true }, a: [1, 'x'] }, n: 10, deep: { a: { b: 'B' } }, f: [1.5, 1e-7, 1e-6, 1e21, 1e20] })).toBe(want);
  });

  it('env reads the environment; include inserts a partial verbatim, unevaluated', () => {
    expect(render('{{env "HGW_FC_X"}} {{include "p.txt"}}', {}, { env: { HGW_FC_X: 'yes' }, partials: { 'p.txt': '{{ not evaluated }}' } })).toBe('yes {{ not evaluated }}');
  });
});

describe('errors point at file:line:col with Go\'s words', () => {
  it.each([
    ['an undefined function (at parse time)', 'line\n  {{ nope 1 }}', 't.tmpl:2:6: function "nope" not defined'],
    ['an undefined variable', '{{if true}}{{$y := 1}}{{end}}\n{{$y}}', 't.tmpl:2:3: undefined variable "$y"'],
    ['a literal as a later pipeline stage', '{{ .x | "lit" }}', 't.tmpl:1:9: non executable command in pipeline stage 2'],
    ['an empty action', 'a {{ }}', 't.tmpl:1:6: missing value for command'],
    ['nil as a command', '{{nil}}', 't.tmpl:1:3: nil is not a command'],
    ['a single closing brace', '{\n"a": {{ .x }\n}', "t.tmpl:2:12: unrecognized character in action: U+007D '}'"],
    ['an unclosed action', 'a\n{{ .x ', 't.tmpl:2:1: unclosed action'],
    ['an unexpected end', 'x{{end}}', 't.tmpl:1:2: unexpected {{end}}'],
    ['an if without end', '{{if .a}}\nx', 't.tmpl:1:1: unexpected EOF'],
    ['break outside range', '{{break}}', 't.tmpl:1:1: {{break}} outside {{range}}'],
    ['a bad number', '{{ 3k }}', 't.tmpl:1:4: bad number syntax: "3k"'],
    ['an unterminated string', '{{ "abc }}', 't.tmpl:1:4: unterminated quoted string'],
    ['define inside an action body', '{{if 1}}{{define "x"}}{{end}}{{end}}', 't.tmpl:1:9: unexpected {{define}}'],
  ])('parse: %s', (_name, text, want) => {
    expect(renderError(text)).toBe(want);
  });

  it.each([
    ['a missing template', '{\n  {{ template "nope.tmpl" . }}\n}', 't.tmpl:2:3: executing "t.tmpl" at <{{template "nope.tmpl" .}}>: template "nope.tmpl" not defined'],
    ['a field of nil', '{{ .n.x }}', 't.tmpl:1:4: executing "t.tmpl" at <.n.x>: nil pointer evaluating interface {}.x'],
    ['a field of a string', '{{ .s.x }}', 't.tmpl:1:4: executing "t.tmpl" at <.s.x>: can\'t evaluate field x in type string'],
    ['a wrong argument count', '{{ add1 }}', 't.tmpl:1:4: executing "t.tmpl" at <add1>: wrong number of args for add1: want 1 got 0'],
    ['a function that fails', '{{ index .l 5 }}', 't.tmpl:1:4: executing "t.tmpl" at <index .l 5>: error calling index: index out of range: 5'],
    ['arguments to a field', '{{ .s 1 }}', 't.tmpl:1:4: executing "t.tmpl" at <.s>: s is not a method but has arguments'],
    ['incomparable kinds', '{{ eq "a" 1 }}', 't.tmpl:1:4: executing "t.tmpl" at <eq "a" 1>: error calling eq: incompatible types for comparison'],
    ['range over a string', '{{ range .s }}{{ end }}', 't.tmpl:1:1: executing "t.tmpl" at <.s>: range can\'t iterate over str'],
    ['fail', '{{ fail "no port set" }}', 't.tmpl:1:4: executing "t.tmpl" at <fail "no port set">: error calling fail: no port set'],
    ['a missing partial', '{{ include "x.json" }}', 't.tmpl:1:4: executing "t.tmpl" at <include "x.json">: error calling include: open partials/x.json: no such file or directory'],
  ])('exec: %s', (_name, text, want) => {
    expect(renderError(text, { n: null, s: 'str', l: [1] })).toBe(want);
  });

  it('an error inside a sub-template points into that file', () => {
    expect(renderError('{{ template "ep.tmpl" . }}', {}, { templates: { 'ep.tmpl': '{\n  "x": {{ nope }}\n}' } })).toBe('templates/ep.tmpl:2:11: function "nope" not defined');
    expect(renderError('{{ template "ep.tmpl" . }}', { n: null }, { templates: { 'ep.tmpl': '{\n  "x": {{ .n.y }}\n}' } })).toBe(
      'templates/ep.tmpl:2:11: executing "ep.tmpl" at <.n.y>: nil pointer evaluating interface {}.y',
    );
  });
});

describe('bounds', () => {
  it('template calls nest at most 1000 deep', () => {
    expect(renderError('{{define "loop"}}{{template "loop" .}}{{end}}{{template "loop" .}}')).toMatch(/exceeded maximum template depth \(1000\)/);
  });
  it('the rendered output is bounded', () => {
    expect(renderError('{{range until 100}}0123456789{{end}}', {}, { limit: 500 })).toMatch(/^t\.tmpl:1:20: rendered output exceeds 500 characters/);
  });
  it('strings built in memory are bounded, and printf refuses widths over a million as Go does', () => {
    expect(renderError('{{ repeat 100000000 "0123456789" }}')).toMatch(/error calling repeat: repeat: the result would exceed 33554432 characters/);
    expect(renderError('{{ indent 100000000 "a\\nb" }}')).toMatch(/error calling indent: indent: the result would exceed/);
    expect(render('{{ printf "%2000000d|%.2000000f" 1 1.5 }}')).toBe('%!(BADWIDTH)1|%!(BADPREC)1.500000');
  });
  it('a cyclic dict: marshal writes nothing (KrakenD drops the Marshal error), printing it ends the render with an error, not a crash', () => {
    expect(render('[{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ marshal $d }}]')).toBe('[]');
    expect(renderError('{{ $d := dict }}{{ $_ := set $d "self" $d }}{{ $d }}')).toMatch(/^t\.tmpl:1:1: rendering ran out of stack/);
  });
  it('lists built in memory are bounded', () => {
    expect(renderError('{{ len (until 100000000) }}')).toMatch(/error calling until: a list of 100000000 elements is more than 1000000/);
  });
});

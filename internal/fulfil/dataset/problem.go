package dataset

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong in a dataset file, located by file, line and
// the path of the field.
type Problem struct {
	File string
	Line int
	Path string
	Msg  string
}

func (p Problem) String() string {
	loc := p.File
	if p.Line > 0 {
		loc += ":" + fmt.Sprint(p.Line)
	}
	if p.Path != "" {
		return loc + ": " + p.Path + ": " + p.Msg
	}
	return loc + ": " + p.Msg
}

// Problems is the error returned when dataset files do not pass the checks.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// problems collects what is wrong while checking.
type problems struct{ list Problems }

func (ps *problems) add(src *source, path, format string, args ...any) {
	p := Problem{Path: path, Msg: fmt.Sprintf(format, args...)}
	if src != nil {
		p.File, p.Line = src.name, src.line(path)
	}
	ps.list = append(ps.list, p)
}

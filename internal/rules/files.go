package rules

// The shapes of the YAML files, decoded strictly (an unknown or misspelt key
// is an error with its line) and then checked and turned into the model by
// build.go. Values are kept as written so that every check can point at the
// line that holds them.

type fileHeader struct {
	Kind string `yaml:"kind"`
	ID   string `yaml:"id"`
}

type sourceFile struct {
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	URL   string `yaml:"url"`
	Label string `yaml:"label"`
}

type authorityFile struct {
	Name         string `yaml:"name"`
	ComplaintURL string `yaml:"complaint_url"`
	Label        string `yaml:"label"`
}

type periodFile struct {
	Amount int    `yaml:"amount"`
	Unit   string `yaml:"unit"`
}

type deadlineFile struct {
	Amount int    `yaml:"amount"`
	Unit   string `yaml:"unit"`
	Start  string `yaml:"start"`
}

type extensionFile struct {
	Amount       int         `yaml:"amount"`
	Unit         string      `yaml:"unit"`
	NotifyWithin *periodFile `yaml:"notify_within"`
}

type ruleFile struct {
	Basis       string         `yaml:"basis"`
	Label       string         `yaml:"label"`
	Deadline    *deadlineFile  `yaml:"deadline"`
	NoDeadline  bool           `yaml:"no_deadline"`
	Acknowledge *periodFile    `yaml:"acknowledge"`
	Extension   *extensionFile `yaml:"extension"`
	Pausable    bool           `yaml:"pausable"`
	Cite        []string       `yaml:"cite"`
	Note        string         `yaml:"note"`
}

type countingFile struct {
	OnClosedDay string            `yaml:"on_closed_day"`
	Calendar    string            `yaml:"calendar"`
	Calendars   map[string]string `yaml:"calendars"`
	Cite        []string          `yaml:"cite"`
	Note        string            `yaml:"note"`
}

type lawFile struct {
	Kind         string                   `yaml:"kind"`
	Schema       int                      `yaml:"schema"`
	ID           string                   `yaml:"id"`
	Revision     int                      `yaml:"revision"`
	AsOf         string                   `yaml:"as_of"`
	Names        map[string]string        `yaml:"names"`
	Regions      []string                 `yaml:"regions"`
	Authority    *authorityFile           `yaml:"authority"`
	Authorities  map[string]authorityFile `yaml:"authorities"`
	Sources      []sourceFile             `yaml:"sources"`
	Counting     *countingFile            `yaml:"counting"`
	RequestTypes map[string]ruleFile      `yaml:"request_types"`
	Notes        []string                 `yaml:"notes"`
}

type holidayFile struct {
	ID         string            `yaml:"id"`
	Names      map[string]string `yaml:"names"`
	Date       string            `yaml:"date"`    // MM-DD
	Easter     *int              `yaml:"easter"`  // days after Easter Sunday
	Weekday    string            `yaml:"weekday"` // with nth+month, or before
	Nth        int               `yaml:"nth"`     // 1..4, -1 for the last
	Month      int               `yaml:"month"`
	Before     string            `yaml:"before"` // MM-DD: the last weekday before it
	IfSaturday int               `yaml:"if_saturday"`
	IfSunday   int               `yaml:"if_sunday"`
	Substitute bool              `yaml:"substitute"`
	From       int               `yaml:"from"`
	Until      int               `yaml:"until"`
	Note       string            `yaml:"note"`
}

type extraFile struct {
	ID    string            `yaml:"id"`
	Names map[string]string `yaml:"names"`
	Date  string            `yaml:"date"` // YYYY-MM-DD
	Note  string            `yaml:"note"`
}

type exceptFile struct {
	Date string `yaml:"date"` // YYYY-MM-DD
	Note string `yaml:"note"`
}

type calendarFile struct {
	Kind           string            `yaml:"kind"`
	Schema         int               `yaml:"schema"`
	ID             string            `yaml:"id"`
	Revision       int               `yaml:"revision"`
	AsOf           string            `yaml:"as_of"`
	Names          map[string]string `yaml:"names"`
	ClosedWeekdays []string          `yaml:"closed_weekdays"`
	Sources        []sourceFile      `yaml:"sources"`
	Holidays       []holidayFile     `yaml:"holidays"`
	Extra          []extraFile       `yaml:"extra"`
	Except         []exceptFile      `yaml:"except"`
	Notes          []string          `yaml:"notes"`
}

package output

// Column is one text-table column: a header and the top-level JSON field
// of each item that fills it.
type Column struct {
	Header string
	Field  string
}

// Listing is a get result: one item or a slice of items, with the columns
// its text table shows. json and yaml print Value itself.
type Listing struct {
	Columns []Column
	Value   any
	// SortKeys prints json with keys in alphabetical order whatever Value's
	// Go type is (kongctl prints `get me` as the raw user object).
	SortKeys bool
}

// Columns observed in kongctl (kongctl.md §1): get pat/spat and get me in
// the default compact layout.
var (
	TokenColumns = []Column{{"NAME", "name"}, {"TYPE", "type"}, {"SYSTEM ACCOUNT ID", "system_account_id"}, {"ID", "id"}}
	MeColumns    = []Column{{"EMAIL", "email"}, {"FULL NAME", "full_name"}, {"ACTIVE", "active"}, {"ID", "id"}}
)

// Columns konnectd chose for listings it has no kongctl observation of. They
// follow the same pattern (identifying fields first, ID last) and use the
// Konnect Identity v3 field names.
var (
	UserColumns          = MeColumns
	TeamColumns          = []Column{{"NAME", "name"}, {"DESCRIPTION", "description"}, {"SYSTEM TEAM", "system_team"}, {"ID", "id"}}
	SystemAccountColumns = []Column{{"NAME", "name"}, {"DESCRIPTION", "description"}, {"KONNECT MANAGED", "konnect_managed"}, {"ID", "id"}}
	AssignedRoleColumns  = []Column{{"ROLE NAME", "role_name"}, {"ENTITY TYPE", "entity_type_name"}, {"ENTITY ID", "entity_id"}, {"ENTITY REGION", "entity_region"}, {"ID", "id"}}
)

// Tokens is get pat/spat without an argument. A nil slice prints as [] in
// json, as kongctl does.
func Tokens(records []TokenInfo) Listing {
	if records == nil {
		records = []TokenInfo{}
	}
	return Listing{Columns: TokenColumns, Value: records}
}

// TokenExpiryColumns are konnectd's get pat/spat --expiry table: kongctl's
// columns with the token's state and expiry before the ID. kongctl's own
// table (compact layout) has neither, and its bytes are kept without the
// flag.
var TokenExpiryColumns = []Column{{"NAME", "name"}, {"TYPE", "type"}, {"SYSTEM ACCOUNT ID", "system_account_id"}, {"STATE", "state"}, {"EXPIRES AT", "expires_at"}, {"ID", "id"}}

// WithColumns is l with other text columns; json and yaml are unchanged.
func (l Listing) WithColumns(c []Column) Listing {
	l.Columns = c
	return l
}

// TokenItem is get pat/spat <id|name>.
func TokenItem(record TokenInfo) Listing { return Listing{Columns: TokenColumns, Value: record} }

// Me is get me; user is the raw user object (a struct or a map).
func Me(user any) Listing { return Listing{Columns: MeColumns, Value: user, SortKeys: true} }

// Users, Teams, SystemAccounts and AssignedRoles wrap a slice (or one item)
// of the corresponding Konnect objects.
func Users(v any) Listing          { return Listing{Columns: UserColumns, Value: v} }
func Teams(v any) Listing          { return Listing{Columns: TeamColumns, Value: v} }
func SystemAccounts(v any) Listing { return Listing{Columns: SystemAccountColumns, Value: v} }
func AssignedRoles(v any) Listing  { return Listing{Columns: AssignedRoleColumns, Value: v} }

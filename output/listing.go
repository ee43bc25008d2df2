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

// kongctl's compact text tables for the identity listings: what its
// default-column curation (one identity column, up to three context
// columns such as STATE, SYSTEM, MANAGED or a REGION, then the ID) picks
// from each display record. The golden cases 081, 089, 092, 095, 107, 113
// show them.
var (
	UserColumns          = MeColumns
	OrganizationColumns  = []Column{{"NAME", "name"}, {"STATE", "state"}, {"ID", "id"}}
	TeamColumns          = []Column{{"NAME", "name"}, {"SYSTEM", "system_team"}, {"ID", "id"}}
	SystemAccountColumns = []Column{{"NAME", "name"}, {"MANAGED", "konnect_managed"}, {"ID", "id"}}
	AssignedRoleColumns  = []Column{{"ENTITY REGION", "entity_region"}, {"ID", "id"}}
	// A system account's role records carry SYSTEM ACCOUNT ID, which the
	// curation takes as a context column (it names SYSTEM).
	SystemAccountRoleColumns = []Column{{"SYSTEM ACCOUNT ID", "system_account_id"}, {"ENTITY REGION", "entity_region"}, {"ID", "id"}}
	SystemAccountTeamColumns = []Column{{"NAME", "name"}, {"SYSTEM ACCOUNT ID", "system_account_id"}, {"ID", "id"}}
)

// Tokens is get pat/spat without an argument. A nil slice prints as [] in
// json, as kongctl does.
func Tokens(records []TokenInfo) Listing {
	if records == nil {
		records = []TokenInfo{}
	}
	return Listing{Columns: TokenColumns, Value: records}
}

// TokenItem is get pat/spat <id|name>.
func TokenItem(record TokenInfo) Listing { return Listing{Columns: TokenColumns, Value: record} }

// Me is get me; user is the raw user object (a struct or a map).
func Me(user any) Listing { return Listing{Columns: MeColumns, Value: user, SortKeys: true} }

// Users, Teams, SystemAccounts and AssignedRoles wrap a slice (or one item)
// of the corresponding Konnect objects.
// Users take UserRecords (kongctl prints display values there); teams and
// system accounts are printed as the API returns them, keys sorted.
func Users(v any) Listing          { return Listing{Columns: UserColumns, Value: v} }
func Organization(v any) Listing   { return Listing{Columns: OrganizationColumns, Value: v, SortKeys: true} }
func Teams(v any) Listing          { return Listing{Columns: TeamColumns, Value: v, SortKeys: true} }
func SystemAccounts(v any) Listing { return Listing{Columns: SystemAccountColumns, Value: v, SortKeys: true} }
func AssignedRoles(v any) Listing  { return Listing{Columns: AssignedRoleColumns, Value: v} }

// SystemAccountRoles and SystemAccountTeams are a system account's role
// and team records.
func SystemAccountRoles(v any) Listing { return Listing{Columns: SystemAccountRoleColumns, Value: v} }
func SystemAccountTeams(v any) Listing { return Listing{Columns: SystemAccountTeamColumns, Value: v} }

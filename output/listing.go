package output

import "time"

// Column is one text-table column: a header and the top-level JSON field
// of each item that fills it.
type Column struct {
	Header string
	Field  string
	// Cell, when set, computes the cell from the whole item (kongctl's
	// display values: local times, "n/a"); Field is then unused.
	Cell func(item map[string]any, o Options) string
}

// Listing is a get result: one item or a slice of items, with the columns
// its text table shows. json and yaml print Value itself.
type Listing struct {
	Columns []Column
	Value   any
	// SortKeys prints json with keys in alphabetical order whatever Value's
	// Go type is (kongctl prints `get me` as the raw user object).
	SortKeys bool
	// Wide is every column of kongctl's display record, in its order:
	// --text-layout wide adds those not in Columns (auto adds them while
	// they fit a terminal).
	Wide []Column
}

func c(header, field string) Column { return Column{Header: header, Field: field} }

// Columns observed in kongctl (kongctl.md §1): get pat/spat and get me in
// the default compact layout.
var (
	TokenColumns = []Column{c("NAME", "name"), c("TYPE", "type"), c("SYSTEM ACCOUNT ID", "system_account_id"), c("ID", "id")}
	MeColumns    = []Column{c("EMAIL", "email"), c("FULL NAME", "full_name"), c("ACTIVE", "active"), c("ID", "id")}
)

// kongctl's compact text tables for the identity listings: what its
// default-column curation (one identity column, up to three context
// columns such as STATE, SYSTEM, MANAGED or a REGION, then the ID) picks
// from each display record. The golden cases 081, 089, 092, 095, 107, 113
// show them.
var (
	UserColumns          = MeColumns
	OrganizationColumns  = []Column{c("NAME", "name"), c("STATE", "state"), c("ID", "id")}
	TeamColumns          = []Column{c("NAME", "name"), c("SYSTEM", "system_team"), c("ID", "id")}
	SystemAccountColumns = []Column{c("NAME", "name"), c("MANAGED", "konnect_managed"), c("ID", "id")}
	AssignedRoleColumns  = []Column{c("ENTITY REGION", "entity_region"), c("ID", "id")}
	// A system account's role records carry SYSTEM ACCOUNT ID, which the
	// curation takes as a context column (it names SYSTEM).
	SystemAccountRoleColumns = []Column{c("SYSTEM ACCOUNT ID", "system_account_id"), c("ENTITY REGION", "entity_region"), c("ID", "id")}
	SystemAccountTeamColumns = []Column{c("NAME", "name"), c("SYSTEM ACCOUNT ID", "system_account_id"), c("ID", "id")}
)

// The display records' columns, in kongctl's field order, for wide
// layouts. Raw API objects (me, organization, teams, system accounts) get
// kongctl's display values: "n/a" for a missing field, times local.
var (
	tokenWide = []Column{c("TYPE", "type"), c("ID", "id"), c("NAME", "name"), c("USER ID", "user_id"),
		c("SYSTEM ACCOUNT ID", "system_account_id"), c("SYSTEM ACCOUNT NAME", "system_account_name"), c("STATE", "state"),
		c("CREATED AT", "created_at"), c("UPDATED AT", "updated_at"), c("LAST USED AT", "last_used_at"), c("EXPIRES AT", "expires_at")}
	meWide = []Column{na("ID", "id"), na("EMAIL", "email"), na("FULL NAME", "full_name"), na("PREFERRED NAME", "preferred_name"),
		na("ACTIVE", "active"), na("INFERRED REGION", "inferred_region"), local("LOCAL CREATED TIME", "created_at"), local("LOCAL UPDATED TIME", "updated_at")}
	userWide = []Column{c("ID", "id"), c("EMAIL", "email"), c("FULL NAME", "full_name"), c("PREFERRED NAME", "preferred_name"),
		c("ACTIVE", "active"), c("INFERRED REGION", "inferred_region"), c("CREATED AT", "created_at"), c("UPDATED AT", "updated_at")}
	organizationWide = []Column{na("ID", "id"), na("NAME", "name"), na("STATE", "state"), na("OWNER ID", "owner_id"), na("LOGIN PATH", "login_path"),
		na("RETENTION PERIOD DAYS", "retention_period_days"), local("LOCAL CREATED TIME", "created_at"), local("LOCAL UPDATED TIME", "updated_at")}
	teamWide = []Column{na("ID", "id"), na("NAME", "name"), na("DESCRIPTION", "description"), local("LOCAL CREATED TIME", "created_at"),
		local("LOCAL UPDATED TIME", "updated_at"), na("SYSTEM", "system_team")}
	systemAccountWide = []Column{na("ID", "id"), na("NAME", "name"), na("DESCRIPTION", "description"), local("LOCAL CREATED TIME", "created_at"),
		local("LOCAL UPDATED TIME", "updated_at"), na("MANAGED", "konnect_managed")}
	roleTail              = []Column{c("ROLE NAME", "role_name"), c("ENTITY ID", "entity_id"), c("ENTITY TYPE NAME", "entity_type_name"), c("ENTITY REGION", "entity_region")}
	userRoleWide          = append([]Column{c("ID", "id"), c("USER ID", "user_id")}, roleTail...)
	systemAccountRoleWide = append([]Column{c("ID", "id"), c("SYSTEM ACCOUNT ID", "system_account_id")}, roleTail...)
	systemAccountTeamWide = []Column{c("ID", "id"), c("SYSTEM ACCOUNT ID", "system_account_id"), c("NAME", "name")}
)

// na is a column showing "n/a" where the item has no value.
func na(header, field string) Column {
	return Column{Header: header, Cell: func(item map[string]any, _ Options) string {
		if s := cellText(item[field]); s != "" {
			return s
		}
		return missing
	}}
}

// local is a time column shown as kongctl's local time.
func local(header, field string) Column {
	return Column{Header: header, Cell: func(item map[string]any, o Options) string {
		s, _ := item[field].(string)
		loc := o.Location
		if loc == nil {
			loc = time.Local
		}
		return localTime(s, loc)
	}}
}

// Tokens is get pat/spat without an argument. A nil slice prints as [] in
// json, as kongctl does.
func Tokens(records []TokenInfo) Listing {
	if records == nil {
		records = []TokenInfo{}
	}
	return Listing{Columns: TokenColumns, Value: records, Wide: tokenWide}
}

// TokenExpiryColumns are konnectd's get pat/spat --expiry table: kongctl's
// columns with the token's state and expiry before the ID. kongctl's own
// table (compact layout) has neither, and its bytes are kept without the
// flag.
var TokenExpiryColumns = []Column{c("NAME", "name"), c("TYPE", "type"), c("SYSTEM ACCOUNT ID", "system_account_id"), c("STATE", "state"), c("EXPIRES AT", "expires_at"), c("ID", "id")}

// WithColumns is l with other text columns; json and yaml are unchanged.
func (l Listing) WithColumns(c []Column) Listing {
	l.Columns = c
	return l
}

// TokenItem is get pat/spat <id|name>.
func TokenItem(record TokenInfo) Listing {
	return Listing{Columns: TokenColumns, Value: record, Wide: tokenWide}
}

// Me is get me; user is the raw user object (a struct or a map).
func Me(user any) Listing {
	return Listing{Columns: MeColumns, Value: user, SortKeys: true, Wide: meWide}
}

// Users, Teams, SystemAccounts and AssignedRoles wrap a slice (or one item)
// of the corresponding Konnect objects.
// Users take UserRecords (kongctl prints display values there); teams and
// system accounts are printed as the API returns them, keys sorted.
func Users(v any) Listing { return Listing{Columns: UserColumns, Value: v, Wide: userWide} }
func Organization(v any) Listing {
	return Listing{Columns: OrganizationColumns, Value: v, SortKeys: true, Wide: organizationWide}
}
func Teams(v any) Listing {
	return Listing{Columns: TeamColumns, Value: v, SortKeys: true, Wide: teamWide}
}
func SystemAccounts(v any) Listing {
	return Listing{Columns: SystemAccountColumns, Value: v, SortKeys: true, Wide: systemAccountWide}
}

// AssignedRoles are a user's role records; TeamRoles a team's, whose
// display record names the team (teamID) though its json does not.
func AssignedRoles(v any) Listing {
	return Listing{Columns: AssignedRoleColumns, Value: v, Wide: userRoleWide}
}
func TeamRoles(v any, teamID string) Listing {
	wide := append([]Column{c("ID", "id"), {Header: "TEAM ID", Cell: func(map[string]any, Options) string { return teamID }}}, roleTail...)
	return Listing{Columns: AssignedRoleColumns, Value: v, Wide: wide}
}

// SystemAccountRoles and SystemAccountTeams are a system account's role
// and team records.
func SystemAccountRoles(v any) Listing {
	return Listing{Columns: SystemAccountRoleColumns, Value: v, Wide: systemAccountRoleWide}
}
func SystemAccountTeams(v any) Listing {
	return Listing{Columns: SystemAccountTeamColumns, Value: v, Wide: systemAccountTeamWide}
}

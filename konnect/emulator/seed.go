package emulator

import (
	"encoding/json"
	"fmt"
	"io"
)

// seed is an organization to start from; --seed FILE is this as JSON.
// Roles are keyed "user:<id>", "team:<id>" or "system-account:<id>". The
// owner (organization.owner_id) gets the admin PAT.
type seed struct {
	Organization   organization              `json:"organization"`
	Users          []user                    `json:"users"`
	Teams          []team                    `json:"teams"`
	SystemAccounts []systemAccount           `json:"system_accounts"`
	Roles          map[string][]assignedRole `json:"roles"`
	// SystemAccountTeams lists the teams each system account belongs to:
	// account id → team ids.
	SystemAccountTeams map[string][]string `json:"system_account_teams,omitempty"`
}

// The three users of Konnect's filtering doc (app/konnect/api/filtering.md
// in Kong/docs.konghq.com), field for field. Charlie has no updated_at:
// the doc's key-existence example depends on it.
const (
	CharlieCruzID = "500d74f4-37e1-4f59-b51a-8cf7c7903692"
	AlexCruzID    = "500d74f4-37e1-4b13-b51a-8cf7c7903692"
	AlexGarciaID  = "500d74f4-37e1-4d13-b51a-8cf7c7903692"
	// OrganizationID is the seeded organization's id.
	OrganizationID = "023bfa42-5f0a-4c36-a3c8-5a6ad6f0b2a1"
)

func strp(s string) *string { return &s }

func defaultSeed() *seed {
	updated := "2022-10-19T15:33:02Z"
	s := &seed{
		Organization: organization{
			ID: OrganizationID, Name: "Acme Co.", OwnerID: CharlieCruzID, LoginPath: "acme",
			CreatedAt: "2022-05-10T15:10:25Z", UpdatedAt: "2023-01-23T17:22:52Z", State: "active",
			RetentionPeriodDays: 90,
		},
		Users: []user{
			{ID: CharlieCruzID, Email: "CharlieCruz@konghq.com", Name: "Charlie", FullName: "Charlie Cruz",
				PreferredName: "Charlie", Active: true, CreatedAt: "2022-05-10T15:10:25Z"},
			{ID: AlexCruzID, Email: "AlexCruz@konghq.com", Name: "Alex", FullName: "Alex Cruz",
				PreferredName: "Alex", Active: true, CreatedAt: "2022-05-10T15:10:25Z", UpdatedAt: &updated},
			{ID: AlexGarciaID, Email: "AlexGarcia@konghq.com", Name: "Alex", FullName: "Alex Garcia",
				PreferredName: "Alex", Active: true, CreatedAt: "2022-05-10T15:10:25Z", UpdatedAt: &updated},
		},
		Teams: []team{
			{ID: "7f9fd312-a987-4628-b4c5-bb4f4fddd5f7", Name: "Platform", Description: strp("Runs the gateways."),
				Labels: map[string]string{"env": "prod", "tier": "core"}, CreatedAt: "2022-06-01T09:00:00Z", UpdatedAt: "2022-06-01T09:00:00Z"},
			{ID: "8a1c2e34-1b2c-4d3e-8f40-5a6b7c8d9e0f", Name: "API Developers", Description: strp("Builds the APIs."),
				Labels: map[string]string{"env": "dev"}, CreatedAt: "2022-06-02T09:00:00Z", UpdatedAt: "2022-07-02T09:00:00Z"},
			{ID: "9b2d3f45-2c3d-4e4f-9051-6b7c8d9e0f10", Name: "Organization Admin", Description: strp("Predefined administrators."),
				SystemTeam: true, Labels: map[string]string{}, CreatedAt: "2022-05-10T15:10:25Z", UpdatedAt: "2022-05-10T15:10:25Z"},
		},
		SystemAccounts: []systemAccount{
			{ID: "a1b2c3d4-0001-4000-8000-000000000001", Name: "ci-deployer", Description: "Deploys from CI.",
				CreatedAt: "2023-02-01T10:00:00Z", UpdatedAt: "2023-02-01T10:00:00Z"},
			{ID: "a1b2c3d4-0002-4000-8000-000000000002", Name: "terraform", Description: "Infrastructure as code.",
				CreatedAt: "2023-03-01T10:00:00Z", UpdatedAt: "2023-04-01T10:00:00Z"},
			{ID: "a1b2c3d4-0003-4000-8000-000000000003", Name: "konnect-analytics", Description: "Managed by Konnect.",
				KonnectManaged: true, CreatedAt: "2023-01-01T00:00:00Z", UpdatedAt: "2023-01-01T00:00:00Z"},
		},
	}
	s.SystemAccountTeams = map[string][]string{"a1b2c3d4-0001-4000-8000-000000000001": {"7f9fd312-a987-4628-b4c5-bb4f4fddd5f7"}}
	cp := "d32d905a-ed33-46a3-a093-d8f536af9a8a"
	s.Roles = map[string][]assignedRole{
		"user:" + CharlieCruzID: {{ID: "b0000001-0000-4000-8000-000000000001", RoleName: "Admin", EntityID: cp, EntityTypeName: "Control Planes", EntityRegion: "*"}},
		"user:" + AlexCruzID: {
			{ID: "b0000002-0000-4000-8000-000000000002", RoleName: "Viewer", EntityID: cp, EntityTypeName: "Control Planes", EntityRegion: "us"},
			{ID: "b0000003-0000-4000-8000-000000000003", RoleName: "Publisher", EntityID: "e5f6a7b8-0000-4000-8000-000000000001", EntityTypeName: "Portals", EntityRegion: "eu"},
		},
		"team:7f9fd312-a987-4628-b4c5-bb4f4fddd5f7":           {{ID: "b0000004-0000-4000-8000-000000000004", RoleName: "Deployer", EntityID: cp, EntityTypeName: "Control Planes", EntityRegion: "us"}},
		"system-account:a1b2c3d4-0001-4000-8000-000000000001": {{ID: "b0000005-0000-4000-8000-000000000005", RoleName: "Deployer", EntityID: cp, EntityTypeName: "Control Planes", EntityRegion: "us"}},
	}
	return s
}

// grow adds generated users until the organization has n of them.
func (s *seed) grow(n int) {
	for i := len(s.Users); i < n; i++ {
		up := fmt.Sprintf("2023-%02d-%02dT12:00:00Z", 1+i%12, 1+i%28)
		s.Users = append(s.Users, user{
			ID: seqID(1, i), Email: fmt.Sprintf("user%05d@example.com", i), Name: fmt.Sprintf("User%05d", i),
			FullName: fmt.Sprintf("User%05d %s", i, surnames[i%len(surnames)]), PreferredName: fmt.Sprintf("User%05d", i),
			Active: i%7 != 0, InferredRegion: regions[i%len(regions)], CreatedAt: "2022-01-01T00:00:00Z", UpdatedAt: &up,
		})
	}
}

var (
	surnames = []string{"Cruz", "Garcia", "Nguyen", "Okafor", "Schmidt", "Tanaka", "Silva", "Kowalski"}
	regions  = []string{"us", "eu", "au", "me", "in", "sg"}
)

func readSeed(r io.Reader) (*seed, error) {
	var s seed
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	if s.Organization.OwnerID == "" {
		return nil, fmt.Errorf("read seed: organization.owner_id is required (the admin PAT belongs to the owner)")
	}
	return &s, nil
}

// Package konnect is konnectd's client for Kong Konnect: typed calls for
// the Identity v3 API (the current user and organization, users, teams,
// system accounts, their assigned roles, personal access tokens (PATs) and
// system account access tokens (SPATs)), and Request, one call by path to
// any Konnect API, routed to the global or the regional host as kongctl
// routes them, with both of Konnect's paging styles.
//
// It owns the wire: base-URL resolution as kongctl does it, the refusal to
// send a credential anywhere but Konnect or loopback, filters (pushed down
// where the spec allows, evaluated locally otherwise), parallel paging,
// bounded retries, and problem+json errors that read like kongctl's.
//
// It refuses to know its callers: it is handed a base URL and a token and
// never reads config, keychains or the environment. It never retries a
// request that may have created something, and no error it returns holds a
// secret.
package konnect

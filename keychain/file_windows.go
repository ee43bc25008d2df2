package keychain

import "io/fs"

// checkPrivate cannot judge Windows ACLs from a FileInfo; the file is created
// in the user's profile, which other users cannot read by default.
func checkPrivate(path string, fi fs.FileInfo) error { return nil }

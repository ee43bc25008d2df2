package safesocket

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"unsafe"

	"golang.org/x/sys/windows"
)

// EnsureDir creates dir if it is missing, with a protected DACL that grants
// the current user alone (no inheritance from the parent), then checks that
// it is private. Only the last path element is created.
func EnsureDir(dir string) error {
	err := os.Mkdir(dir, 0o700)
	switch {
	case err == nil:
		if err := restrictToUser(dir); err != nil {
			os.Remove(dir)
			return err
		}
	case !errors.Is(err, fs.ErrExist):
		return fmt.Errorf("socket directory %s: %w", dir, err)
	}
	return CheckDir(dir)
}

// CheckDir verifies that dir is private to the current user: a real
// directory (not a symlink or junction), owned by the current user, whose
// DACL allows nobody but that user, SYSTEM and the Administrators group
// (who can take any file on the machine anyway). Windows has no mode bits;
// the ACL is what keeps other users from connecting to the socket, since
// PeerCred on Windows can only identify peers that are allowed to query
// the connecting process.
func CheckDir(dir string) error {
	fi, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("socket directory %s: %w", dir, err)
	}
	if fi.Mode()&(fs.ModeSymlink|fs.ModeIrregular) != 0 {
		return fmt.Errorf("refusing socket directory %s: it is a link or reparse point; remove it or choose another path with --socket", dir)
	}
	if !fi.IsDir() {
		return fmt.Errorf("refusing socket directory %s: not a directory", dir)
	}
	me, err := currentUser()
	if err != nil {
		return err
	}
	sd, err := windows.GetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return fmt.Errorf("socket directory %s: read its ACL: %w", dir, err)
	}
	owner, _, err := sd.Owner()
	if err != nil {
		return fmt.Errorf("socket directory %s: read its owner: %w", dir, err)
	}
	if !owner.Equals(me) {
		return fmt.Errorf("refusing socket directory %s: owned by %s, not by you (%s); remove it or choose another path with --socket", dir, owner, me)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("socket directory %s: read its DACL: %w", dir, err)
	}
	if dacl == nil {
		// A NULL DACL grants everyone everything.
		return fmt.Errorf("refusing socket directory %s: it has no access control list, so every user may enter", dir)
	}
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			return fmt.Errorf("socket directory %s: read its ACL: %w", dir, err)
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE {
			continue // deny entries only take access away
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if !sid.Equals(me) && !trustedSID(sid) {
			return fmt.Errorf("refusing socket directory %s: its ACL lets %s in; remove it and let konnectd recreate it, or choose another path with --socket", dir, sid)
		}
	}
	return nil
}

// trustedSID is an account that can read any file regardless of ACLs.
func trustedSID(sid *windows.SID) bool {
	for _, w := range []windows.WELL_KNOWN_SID_TYPE{windows.WinLocalSystemSid, windows.WinBuiltinAdministratorsSid, windows.WinCreatorOwnerSid} {
		if sid.IsWellKnown(w) {
			return true
		}
	}
	return false
}

// restrictToUser replaces dir's DACL with one entry, full control for the
// current user, inherited by what is created inside (the socket, the lock).
func restrictToUser(dir string) error {
	me, err := currentUser()
	if err != nil {
		return err
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;OICI;FA;;;" + me.String() + ")")
	if err != nil {
		return fmt.Errorf("socket directory %s: build its ACL: %w", dir, err)
	}
	dacl, _, err := sd.DACL()
	if err != nil {
		return fmt.Errorf("socket directory %s: build its ACL: %w", dir, err)
	}
	err = windows.SetNamedSecurityInfo(dir, windows.SE_FILE_OBJECT,
		windows.DACL_SECURITY_INFORMATION|windows.PROTECTED_DACL_SECURITY_INFORMATION, nil, nil, dacl, nil)
	if err != nil {
		return fmt.Errorf("socket directory %s: restrict it to you: %w", dir, err)
	}
	return nil
}

// currentUser is the SID this process runs as.
func currentUser() (*windows.SID, error) {
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("who am I: %w", err)
	}
	return tu.User.Sid, nil
}

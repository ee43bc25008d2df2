package testkeyring

import (
	"testing"

	"github.com/godbus/dbus/v5"
)

func TestStartLockUnlockSecretTool(t *testing.T) {
	k := Start(t)
	if k.Locked(t) {
		t.Fatal("a fresh keyring's login collection is locked; want it unlocked by --unlock")
	}
	k.SecretToolStore(t, "testkeyring", "alice", "not-a-real-secret")
	got, ok := k.SecretToolLookup(t, "testkeyring", "alice")
	if !ok || got != "not-a-real-secret" {
		t.Fatalf("secret-tool lookup after store = %q, %v; want the stored value", got, ok)
	}
	if _, ok := k.SecretToolLookup(t, "testkeyring", "bob"); ok {
		t.Fatal("secret-tool found an item that was never stored")
	}

	k.Lock(t)
	if _, ok := k.SecretToolLookup(t, "testkeyring", "alice"); ok {
		t.Fatal("secret-tool read an item from a locked collection")
	}
	k.Unlock(t)
	if got, ok := k.SecretToolLookup(t, "testkeyring", "alice"); !ok || got != "not-a-real-secret" {
		t.Fatalf("secret-tool lookup after unlock = %q, %v; want the stored value", got, ok)
	}
}

func TestStartBusHasNoSecretService(t *testing.T) {
	addr := StartBus(t)
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, secretsName).Store(&has); err != nil {
		t.Fatal(err)
	}
	if has {
		t.Fatal("a bare bus has a Secret Service")
	}
	// Nothing may be activated either: the bus has no service directories.
	err = conn.Object(secretsName, secretsPath).Call("org.freedesktop.DBus.Peer.Ping", 0).Err
	if dbusErr, ok := err.(dbus.Error); !ok || dbusErr.Name != "org.freedesktop.DBus.Error.ServiceUnknown" {
		t.Fatalf("calling the Secret Service on a bare bus: %v; want ServiceUnknown", err)
	}
}

func TestTwoKeyringsAreIndependent(t *testing.T) {
	a, b := Start(t), Start(t)
	a.SecretToolStore(t, "testkeyring", "alice", "in-a")
	if _, ok := b.SecretToolLookup(t, "testkeyring", "alice"); ok {
		t.Fatal("an item stored in one private keyring shows up in another")
	}
	a.Lock(t)
	if b.Locked(t) {
		t.Fatal("locking one private keyring locked another")
	}
}

package privfile

// syncDir does nothing on Windows: a directory cannot be opened to sync.
func syncDir(string) {}

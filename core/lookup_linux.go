package core

// secretTool: on Linux the system keychain is the Secret Service, which
// secret-tool(1) reads.
const secretTool = true

//go:build unix

package migrations

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// sqliteDMSByte is the "dead man switch" byte of a WAL database's -shm
// file (os_unix.c: UNIX_SHM_DMS = (22+8)*4 + 8): every connection that has
// the database open in WAL mode holds a shared lock on it, which is how
// SQLite tells the first and the last connection.
const sqliteDMSByte = 128

// SQLiteInUse reports whether another process has the SQLite database at
// path open – a running server – by asking for the lock every open
// connection holds on the -shm file's DMS byte, without taking it. The
// answer is about other processes only: POSIX record locks of the calling
// process are invisible to it. Call it only in a process that does not
// itself have the database open: closing the -shm file drops every lock
// this process holds on it.
func SQLiteInUse(path string) (bool, error) {
	f, err := os.OpenFile(path+"-shm", os.O_RDONLY, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil // no WAL index: no connection in WAL mode
	}
	if err != nil {
		return false, fmt.Errorf("check whether %s is in use: %w", path, err)
	}
	defer f.Close()
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: 0, Start: sqliteDMSByte, Len: 1}
	if err := syscall.FcntlFlock(f.Fd(), syscall.F_GETLK, &lk); err != nil {
		return false, fmt.Errorf("check whether %s is in use: %w", path, err)
	}
	return lk.Type != syscall.F_UNLCK, nil
}

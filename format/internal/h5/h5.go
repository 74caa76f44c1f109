// Package h5 is the small HDF5 layer under format/nwb and format/sonata:
// files, groups and numeric datasets through gonum.org/v1/hdf5, plus what
// that binding lacks and NWB needs, in a little cgo of its own:
// variable-length UTF-8 string attributes and datasets (what pynwb and
// h5py write for text), object-reference attributes (VectorIndex.target),
// and reads that convert any stored numeric type to float64 or int64.
//
// It links the HDF5 C library (Debian: libhdf5-dev). Errors are prefixed
// "h5:" and name the object.
package h5

/*
#cgo linux CFLAGS: -I/usr/include/hdf5/serial
#cgo linux LDFLAGS: -L/usr/lib/x86_64-linux-gnu/hdf5/serial -lhdf5
#include <stdlib.h>
#include <string.h>
#include "hdf5.h"

static hid_t vlen_utf8(void) {
	hid_t t = H5Tcopy(H5T_C_S1);
	if (t < 0) return t;
	if (H5Tset_size(t, H5T_VARIABLE) < 0 || H5Tset_cset(t, H5T_CSET_UTF8) < 0) { H5Tclose(t); return -1; }
	return t;
}

// put_strings writes n strings as a variable-length UTF-8 attribute
// (is_attr) or dataset named name at loc; scalar when rank is 0.
static int put_strings(hid_t loc, const char *name, char **s, hsize_t n, int rank, int is_attr) {
	hid_t t = vlen_utf8();
	if (t < 0) return -1;
	hid_t sp = rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(1, &n, NULL);
	if (sp < 0) { H5Tclose(t); return -1; }
	herr_t rc;
	if (is_attr) {
		hid_t a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
		if (a < 0) { H5Sclose(sp); H5Tclose(t); return -1; }
		rc = H5Awrite(a, t, s);
		H5Aclose(a);
	} else {
		hid_t d = H5Dcreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
		if (d < 0) { H5Sclose(sp); H5Tclose(t); return -1; }
		rc = H5Dwrite(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, s);
		H5Dclose(d);
	}
	H5Sclose(sp);
	H5Tclose(t);
	return rc < 0 ? -1 : 0;
}

// put_ref writes a scalar object-reference attribute pointing at path.
static int put_ref(hid_t loc, const char *name, hid_t file, const char *path) {
	hobj_ref_t ref;
	if (H5Rcreate(&ref, file, path, H5R_OBJECT, -1) < 0) return -1;
	hid_t sp = H5Screate(H5S_SCALAR);
	hid_t a = H5Acreate2(loc, name, H5T_STD_REF_OBJ, sp, H5P_DEFAULT, H5P_DEFAULT);
	if (a < 0) { H5Sclose(sp); return -1; }
	herr_t rc = H5Awrite(a, H5T_STD_REF_OBJ, &ref);
	H5Aclose(a);
	H5Sclose(sp);
	return rc < 0 ? -1 : 0;
}

// put_numeric writes a scalar numeric attribute of file type ftype from
// a value of memory type mtype.
static int put_numeric_attr(hid_t loc, const char *name, hid_t ftype, hid_t mtype, const void *v) {
	hid_t sp = H5Screate(H5S_SCALAR);
	hid_t a = H5Acreate2(loc, name, ftype, sp, H5P_DEFAULT, H5P_DEFAULT);
	if (a < 0) { H5Sclose(sp); return -1; }
	herr_t rc = H5Awrite(a, mtype, v);
	H5Aclose(a);
	H5Sclose(sp);
	return rc < 0 ? -1 : 0;
}

// get_string_attr reads a scalar string attribute (fixed or variable
// length) into a malloc'ed C string, or returns NULL.
static char *get_string_attr(hid_t loc, const char *name) {
	hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
	if (a < 0) return NULL;
	hid_t ft = H5Aget_type(a);
	char *out = NULL;
	if (H5Tget_class(ft) == H5T_STRING) {
		if (H5Tis_variable_str(ft) > 0) {
			hid_t mt = H5Tcopy(H5T_C_S1);
			H5Tset_size(mt, H5T_VARIABLE);
			H5Tset_cset(mt, H5Tget_cset(ft));
			char *p = NULL;
			if (H5Aread(a, mt, &p) >= 0 && p != NULL) {
				out = strdup(p);
				H5free_memory(p);
			}
			H5Tclose(mt);
		} else {
			size_t n = H5Tget_size(ft);
			hid_t mt = H5Tcopy(H5T_C_S1);
			H5Tset_size(mt, n + 1);
			out = calloc(n + 2, 1);
			if (H5Aread(a, mt, out) < 0) { free(out); out = NULL; }
			H5Tclose(mt);
		}
	}
	H5Tclose(ft);
	H5Aclose(a);
	return out;
}

// get_numeric_attr reads a scalar numeric attribute as a double.
static int get_numeric_attr(hid_t loc, const char *name, double *v) {
	hid_t a = H5Aopen(loc, name, H5P_DEFAULT);
	if (a < 0) return -1;
	hid_t ft = H5Aget_type(a);
	H5T_class_t c = H5Tget_class(ft);
	H5Tclose(ft);
	if (c != H5T_INTEGER && c != H5T_FLOAT) { H5Aclose(a); return -2; }
	herr_t rc = H5Aread(a, H5T_NATIVE_DOUBLE, v);
	H5Aclose(a);
	return rc < 0 ? -1 : 0;
}

// get_strings reads a 1-D (or scalar) string dataset into n malloc'ed C
// strings returned through out (an array malloc'ed here).
static int get_strings(hid_t loc, const char *name, char ***out, hsize_t *n) {
	hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
	if (d < 0) return -1;
	hid_t ft = H5Dget_type(d), sp = H5Dget_space(d);
	int rc = -1;
	hssize_t np = H5Sget_simple_extent_npoints(sp);
	*n = (hsize_t)np;
	*out = NULL;
	if (H5Tget_class(ft) != H5T_STRING || np < 0) goto done;
	*out = calloc(np + 1, sizeof(char *));
	if (H5Tis_variable_str(ft) > 0) {
		hid_t mt = H5Tcopy(H5T_C_S1);
		H5Tset_size(mt, H5T_VARIABLE);
		H5Tset_cset(mt, H5Tget_cset(ft));
		char **tmp = calloc(np + 1, sizeof(char *));
		if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp) >= 0) {
			for (hssize_t i = 0; i < np; i++) (*out)[i] = strdup(tmp[i] ? tmp[i] : "");
			H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, tmp);
			rc = 0;
		}
		free(tmp);
		H5Tclose(mt);
	} else {
		size_t w = H5Tget_size(ft);
		char *buf = calloc(np * w + 1, 1);
		hid_t mt = H5Tcopy(ft);
		if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0) {
			for (hssize_t i = 0; i < np; i++) (*out)[i] = strndup(buf + i * w, w);
			rc = 0;
		}
		H5Tclose(mt);
		free(buf);
	}
done:
	H5Sclose(sp);
	H5Tclose(ft);
	H5Dclose(d);
	return rc;
}

static int dataset_shape(hid_t loc, const char *name, hsize_t *dims, int *rank, int *klass) {
	hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
	if (d < 0) return -1;
	hid_t sp = H5Dget_space(d), ft = H5Dget_type(d);
	*rank = H5Sget_simple_extent_ndims(sp);
	*klass = H5Tget_class(ft);
	int rc = 0;
	if (*rank > 4 || *rank < 0) rc = -2;
	else H5Sget_simple_extent_dims(sp, dims, NULL);
	H5Tclose(ft);
	H5Sclose(sp);
	H5Dclose(d);
	return rc;
}

// read_numeric reads a whole numeric dataset converted to mtype.
static int read_numeric(hid_t loc, const char *name, hid_t mtype, void *buf) {
	hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
	if (d < 0) return -1;
	herr_t rc = H5Dread(d, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
	H5Dclose(d);
	return rc < 0 ? -1 : 0;
}

// put_enum_u8 writes a scalar enum attribute (base uint8) with members
// names[i] = i, holding value.
static int put_enum_u8(hid_t loc, const char *name, char **names, int n, unsigned char value) {
	hid_t t = H5Tenum_create(H5T_NATIVE_UINT8);
	if (t < 0) return -1;
	for (int i = 0; i < n; i++) {
		unsigned char v = (unsigned char)i;
		if (H5Tenum_insert(t, names[i], &v) < 0) { H5Tclose(t); return -1; }
	}
	hid_t sp = H5Screate(H5S_SCALAR);
	hid_t a = H5Acreate2(loc, name, t, sp, H5P_DEFAULT, H5P_DEFAULT);
	herr_t rc = -1;
	if (a >= 0) { rc = H5Awrite(a, t, &value); H5Aclose(a); }
	H5Sclose(sp);
	H5Tclose(t);
	return rc < 0 ? -1 : 0;
}

static hid_t native_double(void) { return H5T_NATIVE_DOUBLE; }
static hid_t native_int64(void) { return H5T_NATIVE_INT64; }
static hid_t native_float(void) { return H5T_NATIVE_FLOAT; }
static hid_t native_int32(void) { return H5T_NATIVE_INT32; }
static hid_t native_uint64(void) { return H5T_NATIVE_UINT64; }
static hid_t std_f32le(void) { return H5T_IEEE_F32LE; }
static hid_t std_f64le(void) { return H5T_IEEE_F64LE; }
static hid_t std_i32le(void) { return H5T_STD_I32LE; }
static hid_t std_i64le(void) { return H5T_STD_I64LE; }
static hid_t std_u32le(void) { return H5T_STD_U32LE; }
static hid_t std_u64le(void) { return H5T_STD_U64LE; }
static int class_integer(void) { return H5T_INTEGER; }
static int class_float(void) { return H5T_FLOAT; }
static int class_string(void) { return H5T_STRING; }
*/
import "C"

import (
	"fmt"
	"os"
	"unsafe"

	"gonum.org/v1/hdf5"
)

// File is an open HDF5 file.
type File struct {
	f    *hdf5.File
	path string
}

// Create creates (truncates) an HDF5 file.
func Create(path string) (*File, error) {
	// The HDF5 library reports a file it cannot create as "code -1";
	// creating the file first gives the system's reason (no such
	// directory, permission denied, a directory of that name).
	o, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("h5: create: %w", err)
	}
	o.Close()
	f, err := hdf5.CreateFile(path, hdf5.F_ACC_TRUNC)
	if err != nil {
		return nil, fmt.Errorf("h5: create %s: %w", path, err)
	}
	return &File{f: f, path: path}, nil
}

// Open opens an HDF5 file read-only.
func Open(path string) (*File, error) {
	o, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("h5: open: %w", err)
	}
	o.Close()
	if !hdf5.IsHDF5(path) {
		return nil, fmt.Errorf("h5: %s: not an HDF5 file", path)
	}
	f, err := hdf5.OpenFile(path, hdf5.F_ACC_RDONLY)
	if err != nil {
		return nil, fmt.Errorf("h5: open %s: %w", path, err)
	}
	return &File{f: f, path: path}, nil
}

// Close closes the file.
func (f *File) Close() error {
	if err := f.f.Close(); err != nil {
		return fmt.Errorf("h5: close %s: %w", f.path, err)
	}
	return nil
}

// Root is the file's root group "/".
func (f *File) Root() *Group {
	return &Group{fg: &f.f.CommonFG, path: "/", file: f}
}

// Group is an open group. Groups opened or created from it must be
// closed by the caller; the root needs no Close.
type Group struct {
	fg   *hdf5.CommonFG
	g    *hdf5.Group // nil for the root
	path string
	file *File
}

func (g *Group) hid() C.hid_t { return C.hid_t(g.fg.ID()) }

func (g *Group) child(name string) string {
	if g.path == "/" {
		return "/" + name
	}
	return g.path + "/" + name
}

// Path is the group's absolute path.
func (g *Group) Path() string { return g.path }

// Close closes the group (a no-op for the root).
func (g *Group) Close() error {
	if g.g == nil {
		return nil
	}
	return g.g.Close()
}

// Create creates the child group name.
func (g *Group) Create(name string) (*Group, error) {
	c, err := g.fg.CreateGroup(name)
	if err != nil {
		return nil, fmt.Errorf("h5: create group %s: %w", g.child(name), err)
	}
	return &Group{fg: &c.CommonFG, g: c, path: g.child(name), file: g.file}, nil
}

// Open opens the child group name (a path relative to g).
func (g *Group) Open(name string) (*Group, error) {
	if !g.fg.LinkExists(name) {
		return nil, fmt.Errorf("h5: %s: no such group", g.child(name))
	}
	c, err := g.fg.OpenGroup(name)
	if err != nil {
		return nil, fmt.Errorf("h5: open group %s: %w", g.child(name), err)
	}
	return &Group{fg: &c.CommonFG, g: c, path: g.child(name), file: g.file}, nil
}

// Has reports whether g has a child (group or dataset) name.
func (g *Group) Has(name string) bool { return g.fg.LinkExists(name) }

// Kind is the kind of a group member.
type Kind int

// Kinds of members.
const (
	KindOther Kind = iota
	KindGroup
	KindDataset
)

// Members lists the names of g's members and their kinds.
func (g *Group) Members() ([]string, []Kind, error) {
	n, err := g.fg.NumObjects()
	if err != nil {
		return nil, nil, fmt.Errorf("h5: list %s: %w", g.path, err)
	}
	names := make([]string, n)
	kinds := make([]Kind, n)
	for i := range n {
		if names[i], err = g.fg.ObjectNameByIndex(i); err != nil {
			return nil, nil, fmt.Errorf("h5: list %s: %w", g.path, err)
		}
		t, err := g.fg.ObjectTypeByIndex(i)
		if err != nil {
			return nil, nil, fmt.Errorf("h5: list %s: %w", g.path, err)
		}
		switch t {
		case hdf5.H5G_GROUP:
			kinds[i] = KindGroup
		case hdf5.H5G_DATASET:
			kinds[i] = KindDataset
		}
	}
	return names, kinds, nil
}

// cstrings copies ss into C memory; free with freeCStrings.
func cstrings(ss []string) **C.char {
	p := (**C.char)(C.malloc(C.size_t(max(len(ss), 1)) * C.size_t(unsafe.Sizeof(uintptr(0)))))
	arr := unsafe.Slice(p, max(len(ss), 1))
	for i, s := range ss {
		arr[i] = C.CString(s)
	}
	return p
}

func freeCStrings(p **C.char, n int) {
	arr := unsafe.Slice(p, max(n, 1))
	for i := range n {
		C.free(unsafe.Pointer(arr[i]))
	}
	C.free(unsafe.Pointer(p))
}

func putStrings(loc C.hid_t, where, name string, ss []string, rank int, attr bool) error {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	p := cstrings(ss)
	defer freeCStrings(p, len(ss))
	isAttr := C.int(0)
	if attr {
		isAttr = 1
	}
	if C.put_strings(loc, cn, p, C.hsize_t(len(ss)), C.int(rank), isAttr) != 0 {
		return fmt.Errorf("h5: write text %s (%s)", name, where)
	}
	return nil
}

// Obj is a group or dataset that carries attributes.
type Obj interface {
	hid() C.hid_t
	Path() string
}

// AttrString writes a scalar UTF-8 text attribute.
func AttrString(o Obj, name, value string) error {
	return putStrings(o.hid(), o.Path(), name, []string{value}, 0, true)
}

// AttrStrings writes a 1-D UTF-8 text attribute.
func AttrStrings(o Obj, name string, values []string) error {
	return putStrings(o.hid(), o.Path(), name, values, 1, true)
}

// AttrFloat64 writes a scalar float64 attribute.
func AttrFloat64(o Obj, name string, v float64) error {
	return putNumeric(o, name, C.std_f64le(), C.native_double(), unsafe.Pointer(&v))
}

// AttrFloat32 writes a scalar float32 attribute (the NWB schema's dtype
// for rate, conversion, resolution).
func AttrFloat32(o Obj, name string, v float32) error {
	return putNumeric(o, name, C.std_f32le(), C.native_float(), unsafe.Pointer(&v))
}

// AttrInt32 writes a scalar int32 attribute.
func AttrInt32(o Obj, name string, v int32) error {
	return putNumeric(o, name, C.std_i32le(), C.native_int32(), unsafe.Pointer(&v))
}

// AttrUint64 writes a scalar uint64 attribute.
func AttrUint64(o Obj, name string, v uint64) error {
	return putNumeric(o, name, C.std_u64le(), C.native_uint64(), unsafe.Pointer(&v))
}

func putNumeric(o Obj, name string, ft, mt C.hid_t, v unsafe.Pointer) error {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	// v points to a Go value without pointers: allowed by the cgo rules.
	if C.put_numeric_attr(o.hid(), cn, ft, mt, v) != 0 {
		return fmt.Errorf("h5: write attribute %s of %s", name, o.Path())
	}
	return nil
}

// AttrEnum writes a scalar enum attribute (uint8 base) whose members are
// names (with values 0, 1, …), holding names[value].
func AttrEnum(o Obj, name string, names []string, value int) error {
	if value < 0 || value >= len(names) || len(names) > 256 {
		return fmt.Errorf("h5: enum attribute %s of %s: value %d of %d names", name, o.Path(), value, len(names))
	}
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	p := cstrings(names)
	defer freeCStrings(p, len(names))
	if C.put_enum_u8(o.hid(), cn, p, C.int(len(names)), C.uchar(value)) != 0 {
		return fmt.Errorf("h5: write enum attribute %s of %s", name, o.Path())
	}
	return nil
}

// AttrRef writes a scalar object reference to the object at path (an
// absolute path in the same file).
func (g *Group) AttrRef(name, path string) error { return attrRef(g, g.file, name, path) }

func attrRef(o Obj, f *File, name, path string) error {
	cn, cp := C.CString(name), C.CString(path)
	defer C.free(unsafe.Pointer(cn))
	defer C.free(unsafe.Pointer(cp))
	if C.put_ref(o.hid(), cn, C.hid_t(f.f.ID()), cp) != 0 {
		return fmt.Errorf("h5: write reference %s of %s to %s", name, o.Path(), path)
	}
	return nil
}

// ReadAttrString reads a scalar text attribute.
func ReadAttrString(o Obj, name string) (string, error) {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	p := C.get_string_attr(o.hid(), cn)
	if p == nil {
		return "", fmt.Errorf("h5: %s: no text attribute %q", o.Path(), name)
	}
	defer C.free(unsafe.Pointer(p))
	return C.GoString(p), nil
}

// ReadAttrFloat64 reads a scalar numeric attribute as float64.
func ReadAttrFloat64(o Obj, name string) (float64, error) {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	var v C.double
	switch C.get_numeric_attr(o.hid(), cn, &v) {
	case 0:
		return float64(v), nil
	case -2:
		return 0, fmt.Errorf("h5: %s: attribute %q is not numeric", o.Path(), name)
	}
	return 0, fmt.Errorf("h5: %s: no numeric attribute %q", o.Path(), name)
}

// HasAttr reports whether o has the attribute name.
func HasAttr(o Obj, name string) bool {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	return C.H5Aexists(o.hid(), cn) > 0
}

// String writes a scalar UTF-8 text dataset and returns it.
func (g *Group) String(name, value string) (*Dataset, error) {
	if err := putStrings(g.hid(), g.path, name, []string{value}, 0, false); err != nil {
		return nil, err
	}
	return g.Dataset(name)
}

// Strings writes a 1-D UTF-8 text dataset and returns it.
func (g *Group) Strings(name string, values []string) (*Dataset, error) {
	if err := putStrings(g.hid(), g.path, name, values, 1, false); err != nil {
		return nil, err
	}
	return g.Dataset(name)
}

// Dataset is an open dataset. Close it when done.
type Dataset struct {
	d    *hdf5.Dataset
	path string
	file *File
}

func (d *Dataset) hid() C.hid_t { return C.hid_t(d.d.ID()) }

// Path is the dataset's absolute path.
func (d *Dataset) Path() string { return d.path }

// Close closes the dataset.
func (d *Dataset) Close() error { return d.d.Close() }

// AttrRef writes a scalar object reference to the object at path.
func (d *Dataset) AttrRef(name, path string) error { return attrRef(d, d.file, name, path) }

// Dataset opens the child dataset name.
func (g *Group) Dataset(name string) (*Dataset, error) {
	if !g.fg.LinkExists(name) {
		return nil, fmt.Errorf("h5: %s: no such dataset", g.child(name))
	}
	d, err := g.fg.OpenDataset(name)
	if err != nil {
		return nil, fmt.Errorf("h5: open dataset %s: %w", g.child(name), err)
	}
	return &Dataset{d: d, path: g.child(name), file: g.file}, nil
}

// numeric element types of a new dataset
var (
	typeF64 = hdf5.T_NATIVE_DOUBLE
	typeI64 = hdf5.T_NATIVE_INT64
	typeI32 = hdf5.T_NATIVE_INT32
	typeU64 = hdf5.T_NATIVE_UINT64
)

// create makes a dataset of the given dims, chunked and compressed when it
// holds more than chunk elements (chunk 0: never).
func (g *Group) create(name string, t *hdf5.Datatype, dims []uint) (*Dataset, error) {
	sp, err := hdf5.CreateSimpleDataspace(dims, nil)
	if err != nil {
		return nil, fmt.Errorf("h5: dataspace for %s: %w", g.child(name), err)
	}
	defer sp.Close()
	n := uint(1)
	for _, d := range dims {
		n *= d
	}
	var d *hdf5.Dataset
	if n > 1<<16 {
		pl, err := hdf5.NewPropList(hdf5.P_DATASET_CREATE)
		if err != nil {
			return nil, fmt.Errorf("h5: %s: %w", g.child(name), err)
		}
		defer pl.Close()
		chunk := make([]uint, len(dims))
		copy(chunk, dims)
		chunk[0] = min(dims[0], max(1, (1<<16)/max(1, n/dims[0])))
		if err := pl.SetChunk(chunk); err != nil {
			return nil, fmt.Errorf("h5: chunk %s: %w", g.child(name), err)
		}
		if err := pl.SetDeflate(4); err != nil {
			return nil, fmt.Errorf("h5: deflate %s: %w", g.child(name), err)
		}
		d, err = g.fg.CreateDatasetWith(name, t, sp, pl)
		if err != nil {
			return nil, fmt.Errorf("h5: create dataset %s: %w", g.child(name), err)
		}
	} else if d, err = g.fg.CreateDataset(name, t, sp); err != nil {
		return nil, fmt.Errorf("h5: create dataset %s: %w", g.child(name), err)
	}
	return &Dataset{d: d, path: g.child(name), file: g.file}, nil
}

func udims(dims []int) []uint {
	u := make([]uint, len(dims))
	for i, d := range dims {
		u[i] = uint(d)
	}
	return u
}

// NewFloat64s creates a float64 dataset of the given dims (row-major),
// to be filled with WriteFloat64s.
func (g *Group) NewFloat64s(name string, dims ...int) (*Dataset, error) {
	return g.create(name, typeF64, udims(dims))
}

// Float64s writes a float64 dataset of the given dims (none: 1-D).
func (g *Group) Float64s(name string, data []float64, dims ...int) (*Dataset, error) {
	if len(dims) == 0 {
		dims = []int{len(data)}
	}
	return writeSlice(g, name, typeF64, udims(dims), data)
}

// Float64 writes a scalar float64 dataset.
func (g *Group) Float64(name string, v float64) (*Dataset, error) {
	sp, err := hdf5.CreateDataspace(hdf5.S_SCALAR)
	if err != nil {
		return nil, fmt.Errorf("h5: dataspace for %s: %w", g.child(name), err)
	}
	defer sp.Close()
	d, err := g.fg.CreateDataset(name, typeF64, sp)
	if err != nil {
		return nil, fmt.Errorf("h5: create dataset %s: %w", g.child(name), err)
	}
	if err := d.Write(&v); err != nil {
		d.Close()
		return nil, fmt.Errorf("h5: write %s: %w", g.child(name), err)
	}
	return &Dataset{d: d, path: g.child(name), file: g.file}, nil
}

// writeSlice creates dataset name of type typ and shape dims in g and
// writes data into it (nothing to write when data is empty).
func writeSlice[T any](g *Group, name string, typ *hdf5.Datatype, dims []uint, data []T) (*Dataset, error) {
	d, err := g.create(name, typ, dims)
	if err != nil {
		return nil, err
	}
	if len(data) > 0 {
		if err := d.d.Write(&data); err != nil {
			d.Close()
			return nil, fmt.Errorf("h5: write %s: %w", d.path, err)
		}
	}
	return d, nil
}

// Int64s writes a 1-D int64 dataset.
func (g *Group) Int64s(name string, data []int64) (*Dataset, error) {
	return writeSlice(g, name, typeI64, []uint{uint(len(data))}, data)
}

// Int32s writes a 1-D int32 dataset.
func (g *Group) Int32s(name string, data []int32) (*Dataset, error) {
	return writeSlice(g, name, typeI32, []uint{uint(len(data))}, data)
}

// Uint64s writes a 1-D uint64 dataset.
func (g *Group) Uint64s(name string, data []uint64) (*Dataset, error) {
	return writeSlice(g, name, typeU64, []uint{uint(len(data))}, data)
}

// NewInt64s creates a 1-D int64 dataset of n elements, to be filled
// with WriteInt64s; NewUint64s the same for uint64.
func (g *Group) NewInt64s(name string, n int) (*Dataset, error) {
	return g.create(name, typeI64, []uint{uint(n)})
}

// NewUint64s creates a 1-D uint64 dataset of n elements.
func (g *Group) NewUint64s(name string, n int) (*Dataset, error) {
	return g.create(name, typeU64, []uint{uint(n)})
}

// writeAt writes data (a pointer to a slice) into rows [row, row+rows) of
// the dataset.
func (d *Dataset) writeAt(data any, row, rows int) error {
	fs := d.d.Space()
	defer fs.Close()
	dims, _, err := fs.SimpleExtentDims()
	if err != nil {
		return fmt.Errorf("h5: %s: %w", d.path, err)
	}
	if row < 0 || uint(row+rows) > dims[0] {
		return fmt.Errorf("h5: %s: rows [%d, %d) outside [0, %d)", d.path, row, row+rows, dims[0])
	}
	off := make([]uint, len(dims))
	cnt := make([]uint, len(dims))
	copy(cnt, dims)
	off[0], cnt[0] = uint(row), uint(rows)
	if err := fs.SelectHyperslab(off, nil, cnt, nil); err != nil {
		return fmt.Errorf("h5: %s: select: %w", d.path, err)
	}
	ms, err := hdf5.CreateSimpleDataspace(cnt, nil)
	if err != nil {
		return fmt.Errorf("h5: %s: %w", d.path, err)
	}
	defer ms.Close()
	if err := d.d.WriteSubset(data, ms, fs); err != nil {
		return fmt.Errorf("h5: write %s: %w", d.path, err)
	}
	return nil
}

// WriteFloat64s writes rows [row, row+rows) of a float64 dataset from data
// (rows × the other dimensions, row-major).
func (d *Dataset) WriteFloat64s(row, rows int, data []float64) error {
	if rows == 0 {
		return nil
	}
	return d.writeAt(&data, row, rows)
}

// WriteInt64s writes elements [at, at+len(data)) of a 1-D int64 dataset.
func (d *Dataset) WriteInt64s(at int, data []int64) error {
	if len(data) == 0 {
		return nil
	}
	return d.writeAt(&data, at, len(data))
}

// WriteUint64s writes elements [at, at+len(data)) of a 1-D uint64 dataset.
func (d *Dataset) WriteUint64s(at int, data []uint64) error {
	if len(data) == 0 {
		return nil
	}
	return d.writeAt(&data, at, len(data))
}

// Shape returns the dims of the child dataset name and whether it holds
// numbers (integers or floats) or text.
func (g *Group) Shape(name string) (dims []int, numeric, text bool, err error) {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	var cd [4]C.hsize_t
	var rank, klass C.int
	if rc := C.dataset_shape(g.hid(), cn, &cd[0], &rank, &klass); rc != 0 {
		if rc == -2 {
			return nil, false, false, fmt.Errorf("h5: %s: rank %d: more than 4 dimensions", g.child(name), rank)
		}
		return nil, false, false, fmt.Errorf("h5: %s: no such dataset", g.child(name))
	}
	dims = make([]int, rank)
	for i := range dims {
		dims[i] = int(cd[i])
	}
	numeric = klass == C.class_integer() || klass == C.class_float()
	return dims, numeric, klass == C.class_string(), nil
}

func count(dims []int) int {
	n := 1
	for _, d := range dims {
		n *= d
	}
	return n
}

// ReadFloat64s reads the whole numeric dataset name converted to float64
// (HDF5 converts integer and float32 data), with its dims.
func (g *Group) ReadFloat64s(name string) ([]float64, []int, error) {
	dims, numeric, _, err := g.Shape(name)
	if err != nil {
		return nil, nil, err
	}
	if !numeric {
		return nil, nil, fmt.Errorf("h5: %s: not numeric", g.child(name))
	}
	out := make([]float64, max(count(dims), 1))
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	if C.read_numeric(g.hid(), cn, C.native_double(), unsafe.Pointer(&out[0])) != 0 {
		return nil, nil, fmt.Errorf("h5: read %s", g.child(name))
	}
	return out[:count(dims)], dims, nil
}

// ReadInt64s reads the whole integer dataset name converted to int64.
func (g *Group) ReadInt64s(name string) ([]int64, []int, error) {
	dims, numeric, _, err := g.Shape(name)
	if err != nil {
		return nil, nil, err
	}
	if !numeric {
		return nil, nil, fmt.Errorf("h5: %s: not numeric", g.child(name))
	}
	out := make([]int64, max(count(dims), 1))
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	if C.read_numeric(g.hid(), cn, C.native_int64(), unsafe.Pointer(&out[0])) != 0 {
		return nil, nil, fmt.Errorf("h5: read %s", g.child(name))
	}
	return out[:count(dims)], dims, nil
}

// ReadStrings reads a scalar or 1-D text dataset.
func (g *Group) ReadStrings(name string) ([]string, error) {
	cn := C.CString(name)
	defer C.free(unsafe.Pointer(cn))
	var p **C.char
	var n C.hsize_t
	rc := C.get_strings(g.hid(), cn, &p, &n)
	if p != nil {
		defer freeCStrings(p, int(n))
	}
	if rc != 0 {
		return nil, fmt.Errorf("h5: %s: no text dataset", g.child(name))
	}
	arr := unsafe.Slice(p, max(int(n), 1))
	out := make([]string, n)
	for i := range out {
		out[i] = C.GoString(arr[i])
	}
	return out, nil
}

// Version is the linked HDF5 library's version.
func Version() string {
	v, err := hdf5.LibVersion()
	if err != nil {
		return "unknown"
	}
	return v.String()
}

var (
	_ Obj = (*Group)(nil)
	_ Obj = (*Dataset)(nil)
)

// vt_assimp.cpp — thin wrappers over assimp for the C code (see vt_assimp.h). No logic lives
// here: each function calls assimp, catches what it throws and turns it into a vt_result.
#include "assimp/vt_assimp.h"

#include <assimp/DefaultLogger.hpp>
#include <assimp/IOStream.hpp>
#include <assimp/IOSystem.hpp>
#include <assimp/Importer.hpp>
#include <assimp/LogStream.hpp>
#include <assimp/ai_assert.h>
#include <assimp/material.h>
#include <assimp/scene.h>

#include <cstdio>
#include <mutex>
#include <new>
#include <stdexcept>

namespace {

// What a failed internal check throws. Not a std::exception on purpose, so that the importers'
// own catch blocks for those do not take it for a file error. It carries nothing: the check is
// recorded in the import's check_record, because assimp swallows some exceptions (its
// ApplyPostProcessing catches everything and carries on) and the failure must not be lost.
struct check_failed {};

// While it lives, failed checks on this thread are written into it (the first one counts).
struct check_record {
    char expr[160] = "";
    check_record();
    ~check_record();
};
thread_local check_record *t_record = nullptr;
check_record::check_record() { t_record = this; }
check_record::~check_record() { t_record = nullptr; }

// assimp is built single-threaded and its logger is one per process.
std::mutex s_assimp;

// Forwards assimp's log to the C caller for the length of one import.
class forward_log : public Assimp::LogStream {
public:
    forward_log(vtai_log_fn fn, void *user) : fn_(fn), user_(user)
    {
        if (!fn_) return;
        Assimp::DefaultLogger::create(nullptr, Assimp::Logger::NORMAL, 0);
        Assimp::DefaultLogger::get()->attachStream(this);
    }
    ~forward_log() override
    {
        if (!fn_) return;
        Assimp::DefaultLogger::get()->detachStream(this);   // ours again: kill() must not delete it
        Assimp::DefaultLogger::kill();
    }
    void write(const char *message) override { fn_(message, user_); }

private:
    vtai_log_fn fn_;
    void *user_;
};

// assimp's C++ file interfaces over the caller's C callbacks (aiFileIO); forwarding only.
class c_stream : public Assimp::IOStream {
public:
    c_stream(aiFileIO *io, aiFile *f) : io_(io), f_(f) {}
    ~c_stream() override { io_->CloseProc(io_, f_); }
    size_t Read(void *buf, size_t size, size_t count) override { return f_->ReadProc(f_, static_cast<char *>(buf), size, count); }
    size_t Write(const void *buf, size_t size, size_t count) override
    {
        return f_->WriteProc(f_, static_cast<const char *>(buf), size, count);
    }
    aiReturn Seek(size_t offset, aiOrigin origin) override { return f_->SeekProc(f_, offset, origin); }
    size_t Tell() const override { return f_->TellProc(f_); }
    size_t FileSize() const override { return f_->FileSizeProc(f_); }
    void Flush() override { f_->FlushProc(f_); }

private:
    aiFileIO *io_;
    aiFile *f_;
};

class c_io : public Assimp::IOSystem {
public:
    explicit c_io(aiFileIO *io) : io_(io) {}
    bool Exists(const char *path) const override
    {
        aiFile *f = io_->OpenProc(io_, path, "rb");
        if (f) io_->CloseProc(io_, f);
        return f != nullptr;
    }
    char getOsSeparator() const override { return '/'; }
    Assimp::IOStream *Open(const char *path, const char *mode) override
    {
        aiFile *f = io_->OpenProc(io_, path, mode);
        return f ? new c_stream(io_, f) : nullptr;
    }
    void Close(Assimp::IOStream *s) override { delete s; }

private:
    aiFileIO *io_;
};

vt_result check_failed_result(const check_record &rec, char *err, size_t errlen)
{
    std::snprintf(err, errlen, _("malformed model: the importer's check \"%s\" failed"), rec.expr);
    return VT_ERR_FORMAT;
}

// Called inside a catch block: what the import threw, as a result and one line.
vt_result import_failed(const check_record &rec, char *err, size_t errlen)
{
    try {
        throw;
    } catch (const check_failed &) {
        return check_failed_result(rec, err, errlen);
    } catch (const std::bad_alloc &) {
        std::snprintf(err, errlen, _("out of memory while loading"));
        return VT_ERR_NO_MEMORY;
    } catch (const std::exception &e) {
        std::snprintf(err, errlen, _("assimp failed: %s"), e.what());
    } catch (...) {
        std::snprintf(err, errlen, _("assimp failed: an unknown exception"));
    }
    return VT_ERR_INTERNAL;
}

}   // namespace

// The library's handler, replaced (see vt_assimp.h): a failed check is recorded and thrown,
// instead of aborting the process.
namespace Assimp {
void aiAssertViolation(const char *failedExpression, const char *file, int line);
void aiAssertViolation(const char *failedExpression, const char *file, int line)
{
    (void)file;
    (void)line;
    if (t_record && !t_record->expr[0])
        std::snprintf(t_record->expr, sizeof t_record->expr, "%s", failedExpression ? failedExpression : "?");
    throw check_failed();
}
}   // namespace Assimp

extern "C" vt_result vtai_import_file(const char *path, unsigned flags, vtai_log_fn log, void *user,
                                      const aiScene **out, char *err, size_t errlen)
{
    return vtai_import_file_io(path, flags, nullptr, log, user, out, err, errlen);
}

extern "C" vt_result vtai_import_file_io(const char *path, unsigned flags, aiFileIO *io, vtai_log_fn log, void *user,
                                         const aiScene **out, char *err, size_t errlen)
{
    *out = nullptr;
    check_record rec;
    try {
        std::lock_guard<std::mutex> lock(s_assimp);
        forward_log fl(log, user);
        Assimp::Importer importer;
        if (io) importer.SetIOHandler(new c_io(io));   // the importer owns and deletes it
        const aiScene *sc = importer.ReadFile(path, flags);
        if (rec.expr[0]) return check_failed_result(rec, err, errlen);   // the scene may be half-processed
        if (!sc) {
            std::snprintf(err, errlen, _("cannot load the model: %s"), importer.GetErrorString());
            return VT_ERR_FORMAT;
        }
        *out = importer.GetOrphanedScene();
        return VT_OK;
    } catch (...) {
        return import_failed(rec, err, errlen);
    }
}

extern "C" void vtai_scene_release(const aiScene *scene)
{
    try {
        std::lock_guard<std::mutex> lock(s_assimp);
        delete scene;
    } catch (...) {
        // Nothing to report to: what could not be freed stays allocated.
    }
}

extern "C" vt_result vtai_material_colour(const aiMaterial *mat, const char *key, unsigned type, unsigned index,
                                          aiColor4D *out)
{
    try {
        std::lock_guard<std::mutex> lock(s_assimp);
        return aiGetMaterialColor(mat, key, type, index, out) == aiReturn_SUCCESS ? VT_OK : VT_ERR_NOT_FOUND;
    } catch (...) {
        return VT_ERR_INTERNAL;
    }
}

extern "C" vt_result vtai_material_float(const aiMaterial *mat, const char *key, unsigned type, unsigned index,
                                         float *out)
{
    try {
        std::lock_guard<std::mutex> lock(s_assimp);
        unsigned one = 1;
        return aiGetMaterialFloatArray(mat, key, type, index, out, &one) == aiReturn_SUCCESS ? VT_OK : VT_ERR_NOT_FOUND;
    } catch (...) {
        return VT_ERR_INTERNAL;
    }
}

extern "C" vt_result vtai_material_floats(const aiMaterial *mat, const char *key, unsigned type, unsigned index,
                                          float *out, unsigned *n)
{
    try {
        std::lock_guard<std::mutex> lock(s_assimp);
        return aiGetMaterialFloatArray(mat, key, type, index, out, n) == aiReturn_SUCCESS ? VT_OK : VT_ERR_NOT_FOUND;
    } catch (...) {
        return VT_ERR_INTERNAL;
    }
}

extern "C" vt_result vtai_material_int(const aiMaterial *mat, const char *key, unsigned type, unsigned index, int *out)
{
    try {
        std::lock_guard<std::mutex> lock(s_assimp);
        unsigned one = 1;
        return aiGetMaterialIntegerArray(mat, key, type, index, out, &one) == aiReturn_SUCCESS ? VT_OK : VT_ERR_NOT_FOUND;
    } catch (...) {
        return VT_ERR_INTERNAL;
    }
}

extern "C" vt_result vtai_material_string(const aiMaterial *mat, const char *key, unsigned type, unsigned index, aiString *out)
{
    try {
        std::lock_guard<std::mutex> lock(s_assimp);
        return aiGetMaterialString(mat, key, type, index, out) == aiReturn_SUCCESS ? VT_OK : VT_ERR_NOT_FOUND;
    } catch (...) {
        return VT_ERR_INTERNAL;
    }
}

extern "C" vt_result vtai_material_texture(const aiMaterial *mat, unsigned texture_type, unsigned index, aiString *path)
{
    try {
        std::lock_guard<std::mutex> lock(s_assimp);
        return aiGetMaterialTexture(mat, static_cast<aiTextureType>(texture_type), index, path, nullptr, nullptr,
                                    nullptr, nullptr, nullptr, nullptr) == aiReturn_SUCCESS
                   ? VT_OK
                   : VT_ERR_NOT_FOUND;
    } catch (...) {
        return VT_ERR_INTERNAL;
    }
}

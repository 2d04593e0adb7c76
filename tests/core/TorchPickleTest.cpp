// The restricted pickle reader: it decodes what Python's pickle wrote, and
// refuses by name anything that would run code. The malicious fixtures
// (tests/fixtures/torchbin/malicious-*.bin) are checked by
// tools/make_torch_bin_fixtures.py to really run `touch MARKER` under
// torch.load; here they must be refused and the marker must not appear.
#include "TestSupport.h"

#include "Errors.h"
#include "io/PickleReader.h"
#include "io/TorchCheckpoint.h"
#include "io/TorchStateDictReader.h"
#include "model/Model.h"

#include <gtest/gtest.h>

namespace bertlens {
namespace {

namespace fs = std::filesystem;

const fs::path kMarker = "/tmp/bertlens-malicious-pickle-ran";  // as in the fixture script

template <size_t N>
std::string bytesOf(const char (&literal)[N]) {
    return std::string(literal, N - 1);
}

// Accepts no global, call, persistent id or BUILD.
class PlainDataOnly : public PickleHandler {
public:
    void checkGlobal(const std::string& module, const std::string& name) override {
        throw CheckpointError("global " + module + "." + name);
    }
    PickleValue* call(const PickleValue&, const PickleValue&, PickleArena&) override { throw CheckpointError("call"); }
    PickleValue* persistentLoad(const PickleValue&, PickleArena&) override { throw CheckpointError("persid"); }
    void build(PickleValue&, const PickleValue&) override { throw CheckpointError("build"); }
};

const PickleValue* dictGet(const PickleValue& d, const std::string& key) {
    for (size_t i = 0; i + 1 < d.items.size(); i += 2)
        if (d.items[i]->text == key) return d.items[i + 1];
    return nullptr;
}

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const CheckpointError& e) {
        return e.what();
    }
    return "(no error)";
}

std::string torchParseError(const std::string& bytes) {
    return errorOf([&] {
        TorchCheckpoint::parse(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "pytorch_model.bin");
    });
}

// Python's pickle.dumps of {'a': [1, -2, 2.5, True, None, 'xé', 70000, -70000, 2**40, -2**63],
// 'b': (1, 2, 3), 'c': {}, 'd': ('p', 'p'), 'e': [s, s]} with s = 'ppp' (one object, memoised).
void expectTheDumpedObject(const PickleValue& v) {
    using K = PickleValue::Kind;
    ASSERT_EQ(v.kind, K::Dict);
    ASSERT_EQ(v.items.size(), 10u);
    const PickleValue& a = *dictGet(v, "a");
    ASSERT_EQ(a.kind, K::List);
    ASSERT_EQ(a.items.size(), 10u);
    EXPECT_EQ(a.items[0]->integer, 1);
    EXPECT_EQ(a.items[1]->integer, -2);
    EXPECT_EQ(a.items[2]->kind, K::Float);
    EXPECT_EQ(a.items[2]->real, 2.5);
    EXPECT_EQ(a.items[3]->kind, K::Bool);
    EXPECT_EQ(a.items[3]->integer, 1);
    EXPECT_EQ(a.items[4]->kind, K::None);
    EXPECT_EQ(a.items[5]->text, "x\xC3\xA9");
    EXPECT_EQ(a.items[6]->integer, 70000);
    EXPECT_EQ(a.items[7]->integer, -70000);
    EXPECT_EQ(a.items[8]->integer, int64_t(1) << 40);
    EXPECT_EQ(a.items[9]->integer, INT64_MIN);
    const PickleValue& b = *dictGet(v, "b");
    ASSERT_EQ(b.kind, K::Tuple);
    ASSERT_EQ(b.items.size(), 3u);
    EXPECT_EQ(b.items[2]->integer, 3);
    EXPECT_EQ(dictGet(v, "c")->kind, K::Dict);
    EXPECT_EQ(dictGet(v, "c")->items.size(), 0u);
    const PickleValue& e = *dictGet(v, "e");
    ASSERT_EQ(e.items.size(), 2u);
    EXPECT_EQ(e.items[0], e.items[1]) << "the memo gives back the same object";
    EXPECT_EQ(e.items[0]->text, "ppp");
}

TEST(PickleReader, DecodesWhatPythonWroteWithProtocol2) {
    const std::string p = bytesOf(
        "\x80\x02\x7d\x71\x00\x28\x58\x01\x00\x00\x00\x61\x71\x01\x5d\x71\x02\x28\x4b\x01\x4a\xfe\xff\xff\xff\x47\x40"
        "\x04\x00\x00\x00\x00\x00\x00\x88\x4e\x58\x03\x00\x00\x00\x78\xc3\xa9\x71\x03\x4a\x70\x11\x01\x00\x4a\x90\xee"
        "\xfe\xff\x8a\x06\x00\x00\x00\x00\x00\x01\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80\x65\x58\x01\x00\x00\x00\x62"
        "\x71\x04\x4b\x01\x4b\x02\x4b\x03\x87\x71\x05\x58\x01\x00\x00\x00\x63\x71\x06\x7d\x71\x07\x58\x01\x00\x00\x00"
        "\x64\x71\x08\x58\x01\x00\x00\x00\x70\x71\x09\x68\x09\x86\x71\x0a\x58\x01\x00\x00\x00\x65\x71\x0b\x5d\x71\x0c"
        "\x28\x58\x03\x00\x00\x00\x70\x70\x70\x71\x0d\x68\x0d\x65\x75\x2e");
    PlainDataOnly handler;
    PickleArena arena;
    const PickleResult r = readPickle(reinterpret_cast<const uint8_t*>(p.data()), p.size(), 0, handler, arena, "t");
    EXPECT_EQ(r.end, p.size());
    expectTheDumpedObject(*r.value);
}

TEST(PickleReader, DecodesWhatPythonWroteWithProtocol4Frames) {
    // The same object plus b'y' at a[6] removed again below: protocol 4 adds FRAME,
    // MEMOIZE, SHORT_BINUNICODE and SHORT_BINBYTES.
    const std::string p = bytesOf(
        "\x80\x04\x95\x73\x00\x00\x00\x00\x00\x00\x00\x7d\x94\x28\x8c\x01\x61\x94\x5d\x94\x28\x4b\x01\x4a\xfe\xff\xff"
        "\xff\x47\x40\x04\x00\x00\x00\x00\x00\x00\x88\x4e\x8c\x03\x78\xc3\xa9\x94\x43\x01\x79\x94\x4a\x70\x11\x01\x00"
        "\x4a\x90\xee\xfe\xff\x8a\x06\x00\x00\x00\x00\x00\x01\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x80\x65\x8c\x01\x62"
        "\x94\x4b\x01\x4b\x02\x4b\x03\x87\x94\x8c\x01\x63\x94\x7d\x94\x8c\x01\x64\x94\x8c\x01\x70\x94\x68\x0a\x86\x94"
        "\x8c\x01\x65\x94\x5d\x94\x28\x8c\x03\x70\x70\x70\x94\x68\x0e\x65\x75\x2e");
    PlainDataOnly handler;
    PickleArena arena;
    const PickleResult r = readPickle(reinterpret_cast<const uint8_t*>(p.data()), p.size(), 0, handler, arena, "t");
    PickleValue& root = const_cast<PickleValue&>(*r.value);
    PickleValue& a = *const_cast<PickleValue*>(dictGet(root, "a"));
    ASSERT_EQ(a.items.size(), 11u);
    EXPECT_EQ(a.items[6]->kind, PickleValue::Kind::Bytes);
    EXPECT_EQ(a.items[6]->text, "y");
    a.items.erase(a.items.begin() + 6);
    expectTheDumpedObject(root);
}

TEST(PickleReader, DamagedPicklesGiveMessages) {
    struct Case {
        std::string bytes;
        std::string message;
    };
    const std::vector<Case> cases = {
        {"", "empty"},
        {bytesOf("\x80\x02X\x10\x00\x00\x00"
                 "abc"),
         "truncated"},
        {bytesOf("\x80\x02R."), "empty stack"},
        {bytesOf("\x80\x02h\x05."), "memo entry 5"},
        {bytesOf("\x80\x09N."), "protocol 9"},
        {bytesOf("\x80\x02t."), "MARK that was never set"},
        {bytesOf("\x80\x02K\x01K\x02K\x03s."), "sets dictionary items on a int"},
        {bytesOf("\x80\x02\xff"), "0xff"},
        {bytesOf("\x80\x02\x8d\xff\xff\xff\xff\xff\xff\xff\x7f"), "truncated"},
        {bytesOf("\x80\x02NN"), "truncated"},  // no STOP
    };
    for (const Case& c : cases) {
        PlainDataOnly handler;
        PickleArena arena;
        const std::string e = errorOf([&] {
            readPickle(reinterpret_cast<const uint8_t*>(c.bytes.data()), c.bytes.size(), 0, handler, arena, "t.pkl");
        });
        EXPECT_NE(e.find(c.message), std::string::npos) << e;
        EXPECT_EQ(e.rfind("t.pkl", 0), 0u) << e;
    }
}

class MaliciousFixture : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        std::error_code ec;
        fs::remove(kMarker, ec);
    }
    void TearDown() override { EXPECT_FALSE(fs::exists(kMarker)) << "the malicious pickle ran its command"; }
};

TEST_P(MaliciousFixture, IsRefusedByTheGlobalsNameAndNothingRuns) {
    const std::string bytes = test::readBytes(test::fixturesDir() / "torchbin" / GetParam());
    ASSERT_NE(bytes.find("system"), std::string::npos) << "the fixture no longer names os.system";
    const std::string e = torchParseError(bytes);
    EXPECT_NE(e.find("pytorch_model.bin asks to call posix.system, which a weights file never needs; BertLens "
                     "refuses to run it"),
              std::string::npos)
        << e;
}

TEST_P(MaliciousFixture, LoadAndCliRefuseIt) {
    test::ScratchDir scratch;
    const fs::path dir = scratch.copyModel("ownvocab-f32");
    fs::remove(dir / "model.safetensors");
    fs::copy_file(test::fixturesDir() / "torchbin" / GetParam(), dir / "pytorch_model.bin");
    const std::string e = errorOf([&] { Model::load(dir.string()); });
    EXPECT_NE(e.find("asks to call posix.system"), std::string::npos) << e;
    const auto r = test::runCli("analyze --model '" + dir.string() + "' --text 'the dog'");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_TRUE(r.out.empty());
    EXPECT_NE(r.err.find("asks to call posix.system"), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(ZipLegacyAndRaw, MaliciousFixture,
                         ::testing::Values("malicious-zip.bin", "malicious-legacy.bin", "malicious-raw.bin"),
                         [](const auto& info) {
                             return info.param == "malicious-zip.bin"      ? std::string("Zip")
                                    : info.param == "malicious-legacy.bin" ? std::string("Legacy")
                                                                           : std::string("Raw");
                         });

// Hand-made legacy streams whose state_dict pickle asks for something else.
std::string legacyStream(const std::string& statePickle) {
    return bytesOf("\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19.") +  // magic number
           bytesOf("\x80\x02M\xe9\x03.") +                                         // protocol 1001
           bytesOf("\x80\x02}.") +                                                 // sys_info
           statePickle;
}

TEST(TorchPickle, EveryOtherRouteToCodeIsRefusedByName) {
    struct Case {
        std::string statePickle;
        std::vector<std::string> message;
    };
    const std::vector<Case> cases = {
        {bytesOf("\x80\x02"
                 "cbuiltins\nexec\nX\x01\x00\x00\x00"
                 "x\x85"
                 "R."),
         {"asks to call builtins.exec", "refuses"}},
        {bytesOf("\x80\x02\x8c\x08"
                 "builtins\x8c\x04"
                 "eval\x93."),
         {"asks to call builtins.eval"}},
        {bytesOf("\x80\x02"
                 "csubprocess\nPopen\n."),
         {"asks to call subprocess.Popen"}},
        {bytesOf("\x80\x02"
                 "ctorch.nn.modules.linear\nLinear\n."),
         {"torch.nn.modules.linear.Linear", "whole pickled model"}},
        {bytesOf("\x80\x02"
                 "(ios\nsystem\nX\x02\x00\x00\x00"
                 "ls."),
         {"opcode INST"}},
        {bytesOf("\x80\x02"
                 "ccollections\nOrderedDict\n)\x81."),
         {"opcode NEWOBJ"}},
        {bytesOf("\x80\x02"
                 "(ccollections\nOrderedDict\no."),
         {"opcode OBJ"}},
        {bytesOf("\x80\x02\x82\x01."), {"opcode EXT1"}},
        {bytesOf("\x80\x02"
                 "ctorch\nFloatStorage\n)R."),
         {"calls torch.FloatStorage directly"}},
        {bytesOf("\x80\x02"
                 "ccollections\nOrderedDict\nK\x01\x85"
                 "R."),
         {"calls collections.OrderedDict with arguments"}},
        {bytesOf("\x80\x02]K\x01\x85"
                 "b."),
         {"sets the state of a list"}},
        {bytesOf("\x80\x02]K\x01"
                 "a."),
         {"holds a list, not a state_dict"}},
        {bytesOf("\x80\x02(X\x07\x00\x00\x00"
                 "storageX\x01\x00\x00\x00"
                 "kX\x01\x00\x00\x00"
                 "cK\x01tQ."),
         {"id that is not a ('storage'"}},
    };
    for (const Case& c : cases) {
        const std::string e = torchParseError(legacyStream(c.statePickle));
        for (const std::string& part : c.message) EXPECT_NE(e.find(part), std::string::npos) << e;
    }
}

TEST(TorchPickle, NotACheckpointAtAll) {
    EXPECT_NE(torchParseError("").find("not a PyTorch checkpoint"), std::string::npos);
    EXPECT_NE(torchParseError("hello world, not weights").find("not a PyTorch checkpoint"), std::string::npos);
    // A pickle of a plain number: the first pickle must be torch.save's magic number.
    EXPECT_NE(torchParseError(bytesOf("\x80\x02K\x05.")).find("magic number"), std::string::npos);
    EXPECT_NE(torchParseError(legacyStream("")).find("truncated"), std::string::npos);
    std::string tar(600, '\0');
    tar.replace(257, 5, "ustar");
    EXPECT_NE(torchParseError(tar).find("tar archive"), std::string::npos);
}

}  // namespace
}  // namespace bertlens

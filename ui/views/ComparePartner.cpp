#include "ComparePartner.h"

#include <QObject>

#include <array>

namespace bertlens::ui {
namespace {

constexpr std::array<ComparePartner, 4> kPartners = {ComparePartner::OwnMask, ComparePartner::LeftToRightTwin,
                                                     ComparePartner::RightToLeftTwin, ComparePartner::Shallow};

}  // namespace

QString partnerName(ComparePartner partner) {
    switch (partner) {
        case ComparePartner::LeftToRightTwin:
            return QStringLiteral("l2r");
        case ComparePartner::RightToLeftTwin:
            return QStringLiteral("r2l");
        case ComparePartner::Shallow:
            return QStringLiteral("shallow");
        case ComparePartner::OwnMask:
            break;
    }
    return QStringLiteral("mask");
}

bool parsePartner(const QString& name, ComparePartner& partner) {
    for (ComparePartner p : kPartners) {
        if (name == partnerName(p)) {
            partner = p;
            return true;
        }
    }
    return false;
}

QStringList partnerNames() {
    QStringList names;
    for (ComparePartner p : kPartners) names << partnerName(p);
    return names;
}

QString partnerMenuText(ComparePartner partner) {
    switch (partner) {
        case ComparePartner::LeftToRightTwin:
            return QObject::tr("left-to-right twin (trained on next words)");
        case ComparePartner::RightToLeftTwin:
            return QObject::tr("right-to-left twin (trained on previous words)");
        case ComparePartner::Shallow:
            return QObject::tr("shallow bidirectional (both twins, ELMo-style)");
        case ComparePartner::OwnMask:
            break;
    }
    return QObject::tr("BERT's own weights under a left-to-right mask");
}

ComparePartner availablePartner(const AnalysisResult& result, ComparePartner wanted) {
    switch (wanted) {
        case ComparePartner::LeftToRightTwin:
            return result.hasLeftToRightTwin() ? wanted : ComparePartner::OwnMask;
        case ComparePartner::RightToLeftTwin:
            return result.hasRightToLeftTwin() ? wanted : ComparePartner::OwnMask;
        case ComparePartner::Shallow:
            return result.hasLeftToRightTwin() && result.hasRightToLeftTwin() ? wanted : ComparePartner::OwnMask;
        case ComparePartner::OwnMask:
            break;
    }
    return ComparePartner::OwnMask;
}

QString partnerMapTitle(ComparePartner partner) {
    switch (partner) {
        case ComparePartner::LeftToRightTwin:
            return QObject::tr("Left-to-right twin");
        case ComparePartner::RightToLeftTwin:
            return QObject::tr("Right-to-left twin");
        case ComparePartner::Shallow:
            return QObject::tr("Left-to-right twin");
        case ComparePartner::OwnMask:
            break;
    }
    return QObject::tr("BERT, left-to-right");
}

QString partnerHint(ComparePartner partner) {
    switch (partner) {
        case ComparePartner::LeftToRightTwin:
            return QObject::tr("A twin of BERT trained to predict the next word, left-to-right mask");
        case ComparePartner::RightToLeftTwin:
            return QObject::tr("A twin of BERT trained to predict the previous word, right-to-left mask");
        case ComparePartner::Shallow:
            return QObject::tr("Shallow: the two one-way twins' predictions multiplied, as ELMo joined two models");
        case ComparePartner::OwnMask:
            break;
    }
    return QObject::tr("BERT weights, left-to-right mask \u2014 not trained this way");
}

QString partnerShortName(ComparePartner partner) {
    switch (partner) {
        case ComparePartner::LeftToRightTwin:
            return QObject::tr("left-to-right twin");
        case ComparePartner::RightToLeftTwin:
            return QObject::tr("right-to-left twin");
        case ComparePartner::Shallow:
            return QObject::tr("shallow (both twins)");
        case ComparePartner::OwnMask:
            break;
    }
    return QObject::tr("BERT, left-to-right mask");
}

QString partnerMissingNote(const AnalysisResult& result, ComparePartner wanted) {
    if (availablePartner(result, wanted) == wanted) return {};
    return QObject::tr("No trained %1 exists for %2, so BERT's own weights under a left-to-right mask stand "
                       "beside it.")
        .arg(wanted == ComparePartner::RightToLeftTwin ? QObject::tr("right-to-left twin")
             : wanted == ComparePartner::Shallow       ? QObject::tr("pair of one-way twins")
                                                       : QObject::tr("left-to-right twin"),
             result.modelName);
}

}  // namespace bertlens::ui

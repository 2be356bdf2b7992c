from django.contrib import admin

from carementor.profiles.models import (
    CareerStage,
    Competency,
    ConflictOfInterest,
    Country,
    Language,
    Profession,
    Profile,
    ProfileCompetency,
    Specialty,
)

# --- Vocabularies ----------------------------------------------------------------------


@admin.register(Profession)
class ProfessionAdmin(admin.ModelAdmin[Profession]):
    list_display = ["name", "code", "group", "is_clinical"]
    list_filter = ["group", "is_clinical"]
    search_fields = ["name", "code"]


@admin.register(CareerStage)
class CareerStageAdmin(admin.ModelAdmin[CareerStage]):
    list_display = ["rank", "name", "code"]
    search_fields = ["name", "code"]


@admin.register(Specialty)
class SpecialtyAdmin(admin.ModelAdmin[Specialty]):
    list_display = ["name", "code", "profession_group", "parent", "nucc_code"]
    list_filter = ["profession_group"]
    search_fields = ["name", "code", "nucc_code"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin[Competency]):
    list_display = ["name", "code", "domain", "is_digital"]
    list_filter = ["domain", "is_digital"]
    search_fields = ["name", "code"]


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin[Language]):
    list_display = ["name", "native_name", "code"]
    search_fields = ["name", "native_name", "code"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin[Country]):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


# --- Profiles --------------------------------------------------------------------------


class ProfileCompetencyInline(admin.TabularInline[ProfileCompetency, Profile]):
    model = ProfileCompetency
    extra = 0
    autocomplete_fields = ["competency"]


class ConflictInline(admin.TabularInline[ConflictOfInterest, Profile]):
    model = ConflictOfInterest
    extra = 0
    fields = ["code", "other_email", "other_user", "description", "created_at"]
    readonly_fields = ["code", "created_at"]
    raw_id_fields = ["other_user"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["user", "code", "profession", "career_stage", "country", "visibility"]
    list_filter = ["visibility", "profession__group", "career_stage", "country"]
    search_fields = ["user__email", "user__full_name", "headline", "code"]
    list_select_related = ["user", "profession", "career_stage", "country"]
    readonly_fields = ["code", "updated_at"]
    raw_id_fields = ["user", "supervisor"]
    autocomplete_fields = ["profession", "career_stage", "country"]
    filter_horizontal = ["specialties", "languages"]
    inlines = [ProfileCompetencyInline, ConflictInline]


@admin.register(ProfileCompetency)
class ProfileCompetencyAdmin(admin.ModelAdmin[ProfileCompetency]):
    list_display = ["profile", "competency", "level", "target_level"]
    list_filter = ["level", "competency__is_digital", "competency__domain"]
    search_fields = ["profile__user__email", "profile__user__full_name", "competency__name"]
    list_select_related = ["profile__user", "competency"]
    raw_id_fields = ["profile"]
    autocomplete_fields = ["competency"]


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin[ConflictOfInterest]):
    list_display = ["profile", "other_email", "description", "created_at"]
    search_fields = ["profile__user__email", "other_email", "description", "code"]
    list_select_related = ["profile__user"]
    readonly_fields = ["code", "created_at"]
    raw_id_fields = ["profile", "other_user"]
    date_hierarchy = "created_at"
